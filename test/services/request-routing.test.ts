import { beforeEach, describe, expect, it } from 'vitest';
import type { Volunteer } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createIntake, type IntakeSession } from '../../src/services/intake.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createSubmitRequest } from '../../src/services/submit-request.js';
import { createTestDelivery } from '../support/delivery.js';
import { FakeDistrictChatRepository, FakeRequestRepository, makeDraft, RecordingLogger, RecordingMessenger, steppingClock } from '../support/fakes.js';
import { CODE_WORDS, catalogs, engineContext, helpScenario } from '../support/scenario-fixtures.js';
import { renderText } from '../../src/scenario/text.js';

// What the relative and the chats are told says where a request really went: the district's
// volunteers, or the HQ chat for a district without a volunteer chat.
const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const DISTRICT_CHAT = { platform: 'telegram' as const, chatId: '-100222' };
const requester = { platform: 'telegram' as const, userId: '5', chatId: '5' };
const ivan: Volunteer = { platform: 'telegram', userId: '11', displayName: 'Иван' };

let requests: FakeRequestRepository;
let districtChats: FakeDistrictChatRepository;
let telegram: RecordingMessenger;
let delivery: ReturnType<typeof createTestDelivery>;

beforeEach(() => {
  requests = new FakeRequestRepository();
  districtChats = new FakeDistrictChatRepository();
  telegram = new RecordingMessenger('telegram');
  delivery = createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram },
    headquartersChats: [HQ],
    texts,
    catalog: catalogs.ru,
    logger: new RecordingLogger(),
    now: steppingClock(),
  });
});

const submitRequest = () =>
  createSubmitRequest({ requests, dispatch: delivery.afterChange, logger: new RecordingLogger(), now: steppingClock(), codeWords: CODE_WORDS });

describe('the submit step says where the request was posted', () => {
  it('to the district when the district has a volunteer chat', async () => {
    await districtChats.bind({ district: 'Ленинский', ...DISTRICT_CHAT });
    expect(await submitRequest()({ draft: makeDraft(), channel: 'telegram', requester })).toMatchObject({ kind: 'created', routed: 'district' });
  });

  it('to the headquarters when it has none', async () => {
    expect(await submitRequest()({ draft: makeDraft(), channel: 'telegram', requester })).toMatchObject({ kind: 'created', routed: 'headquarters' });
  });

  it('nothing when the dispatcher does not say', async () => {
    const submit = createSubmitRequest({
      requests,
      dispatch: async () => undefined,
      logger: new RecordingLogger(),
      now: steppingClock(),
      codeWords: CODE_WORDS,
    });
    const outcome = await submit({ draft: makeDraft(), channel: 'telegram', requester });
    expect(outcome.kind === 'created' && 'routed' in outcome).toBe(false);
  });
});

describe('the relative’s confirmation', () => {
  async function confirmation(): Promise<string> {
    const intake = createIntake({
      scenario: helpScenario,
      engine: engineContext,
      submitRequest: submitRequest(),
      myRequestsText: async () => '',
      logger: new RecordingLogger(),
    });
    let session: IntakeSession = intake.start().session!;
    const answers = ['yes', 'self', 'pensioner', '80', 'Ленинский', 'legal', 'Помочь с наследством', 'Анна Сергеевна', 'ул. Мира, 1', '+79130000000', 'submit'];
    let last: string[] = [];
    for (const value of answers) {
      const index = session.prompt.choices.findIndex((c) => c.value === value);
      const step = await intake.handle(session, index >= 0 ? { type: 'pick', seq: session.state.seq, index } : { type: 'text', text: value }, requester);
      last = step.replies.flatMap((r) => (r.kind === 'text' ? [renderText(catalogs.ru, r.text)] : []));
      if (!step.session) break;
      session = step.session;
    }
    return last.join('\n');
  }

  it('promises the district’s volunteers only when the request went to them', async () => {
    await districtChats.bind({ district: 'Ленинский', ...DISTRICT_CHAT });
    expect(await confirmation()).toMatch(/^Спасибо! Заявка №1 принята и передана волонтёрам района «Ленинский»\./);
  });

  it('says the headquarters has it, and a coordinator finds a volunteer, when the district has no chat', async () => {
    const text = await confirmation();
    expect(text).toMatch(
      /^Спасибо! Заявка №1 принята и передана в штаб: у района «Ленинский» пока нет чата волонтёров, поэтому волонтёра найдёт координатор\./,
    );
    expect(text).not.toContain('волонтёрам района');
  });
});

describe('the earlier post of a request given back says where it went again', () => {
  async function releasedAfter(bindBeforeRelease: boolean): Promise<string> {
    const { number } = await requests.create({ draft: makeDraft(), channel: 'telegram', requester, at: new Date('2025-03-01T08:00:00Z') });
    await delivery.afterChange((await requests.findByNumber(number))!);
    await delivery.drain();
    await requests.claim(number, ivan, new Date('2025-03-01T08:30:00Z'));
    await delivery.afterChange((await requests.findByNumber(number))!);
    await delivery.drain();
    if (bindBeforeRelease) await districtChats.bind({ district: 'Ленинский', ...DISTRICT_CHAT });
    const act = createRequestLifecycle({
      requests,
      isCoordinator: async () => false,
      afterChange: delivery.afterChange,
      logger: new RecordingLogger(),
      now: steppingClock(),
    });
    await act(number, { platform: ivan.platform, userId: ivan.userId }, 'telegram', { type: 'release', reason: 'Не успеваю' });
    await delivery.drain();
    const firstPost = telegram.posts()[0]!;
    expect(firstPost.chatId).toBe(HQ.chatId);
    const edit = telegram
      .updates()
      .filter((u) => u.post.messageId === firstPost.messageId)
      .at(-1)!;
    return texts.groupPost(edit.view, true);
  }

  it('in the district’s chat once one was connected meanwhile, not «below»', async () => {
    const text = await releasedAfter(true);
    expect(text).toContain('↩️ Волонтёр не смог выполнить заявку, она опубликована заново в чате волонтёров района «Ленинский».');
    expect(text).not.toContain('ниже');
    expect(telegram.posts().map((p) => p.chatId)).toEqual([HQ.chatId, DISTRICT_CHAT.chatId]);
  });

  it('below, when it was posted again in the same chat', async () => {
    expect(await releasedAfter(false)).toContain('↩️ Волонтёр не смог выполнить заявку, она опубликована заново ниже.');
  });
});
