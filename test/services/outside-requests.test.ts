import { expect, it } from 'vitest';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createSubmitOnce } from '../../src/services/submit-request.js';
import { createTestDelivery } from '../support/delivery.js';
import { FakeDistrictChatRepository, FakeRequestRepository, makeDraft, RecordingLogger, RecordingMessenger, steppingClock } from '../support/fakes.js';
import { CODE_WORDS, catalogs, helpScenario } from '../support/scenario-fixtures.js';

// A request taken by phone goes to the volunteers like any other, and its whole lifecycle runs, but
// nobody is written to as its requester: there is no chat, the operator calls back.

const operator = { platform: 'telegram' as const, userId: '77', displayName: 'Оператор' };
const coordinator = { platform: 'telegram' as const, userId: '900' };
const volunteer = { platform: 'telegram' as const, userId: '555', displayName: 'Волонтёр' };

it('posts a phone request, claims, assigns and closes it, and never writes to a requester', async () => {
  const requests = new FakeRequestRepository();
  const districtChats = new FakeDistrictChatRepository();
  await districtChats.bind({ platform: 'telegram', chatId: '-100', district: 'Ленинский' });
  const telegram = new RecordingMessenger('telegram');
  const logger = new RecordingLogger();
  const now = steppingClock();
  const delivery = createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram },
    headquartersChats: [],
    texts: createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario),
    catalog: catalogs.ru,
    logger,
    now,
  });
  const submitOnce = createSubmitOnce({ requests, dispatch: delivery.afterChange, logger, now, codeWords: CODE_WORDS });
  const lifecycle = createRequestLifecycle({ requests, isCoordinator: async (p) => p.userId === '900', afterChange: delivery.afterChange, logger, now });

  const first = await submitOnce({ draft: makeDraft(), channel: 'phone', takenBy: operator, clientKey: { key: 'form-1', fingerprint: 'x' } });
  // The operator pressed «Send» twice: one request, posted once.
  const again = await submitOnce({ draft: makeDraft(), channel: 'phone', takenBy: operator, clientKey: { key: 'form-1', fingerprint: 'x' } });
  expect(first.created).toBe(true);
  expect(again).toMatchObject({ created: false, request: { number: first.request.number } });
  await delivery.drain();
  expect(telegram.posts().map((p) => p.chatId)).toEqual(['-100']);

  const number = first.request.number;
  await requests.claim(number, volunteer, now());
  await delivery.afterChange((await requests.findByNumber(number))!);
  expect(await lifecycle(number, coordinator, 'web', { type: 'assign', volunteer: { ...volunteer, userId: '556' } })).toMatchObject({ kind: 'changed' });
  // Task cards go only to whoever holds the request when they are sent.
  await delivery.drain();
  expect(await lifecycle(number, coordinator, 'web', { type: 'complete', comment: 'готово' })).toMatchObject({ kind: 'changed' });
  await delivery.drain();

  // Volunteers hear what concerns them; no text went anywhere else.
  expect(
    telegram
      .texts()
      .map((t) => t.chatId)
      .sort(),
  ).toEqual(['555', '556']);
  expect(telegram.cards().map((c) => c.chatId)).toEqual(['556']);
  const stored = await requests.findByNumber(number);
  expect(stored!.history.map((e) => [e.type, e.channel])).toEqual([
    ['created', 'phone'],
    ['posted', 'telegram'],
    ['claimed', 'telegram'],
    ['assigned', 'web'],
    ['done', 'web'],
  ]);
});
