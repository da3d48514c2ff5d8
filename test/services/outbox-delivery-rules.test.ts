import { beforeEach, describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import type { OutboxMessage } from '../../src/services/ports.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createTestDelivery } from '../support/delivery.js';
import { FakeDistrictChatRepository, FakeRequestRepository, makeDraft, RecordingLogger, RecordingMessenger, steppingClock } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

// The rows of the delivery table the outbox-delivery tests do not reach: what each kind does when its
// request has moved on, and what giving up on it means.
const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const REQUESTER_CHAT = '1';

let requests: FakeRequestRepository;
let telegram: RecordingMessenger;
let request: HelpRequest;

function delivery() {
  return createTestDelivery({
    requests,
    districtChats: new FakeDistrictChatRepository(),
    messengers: { telegram },
    headquartersChats: [HQ],
    texts: createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario),
    catalog: catalogs.ru,
    logger: new RecordingLogger(),
    now: steppingClock(),
  });
}

async function deliverOne(message: OutboxMessage) {
  const d = delivery();
  await d.outbox.enqueue([{ key: 'under-test', message }], new Date());
  await d.drain();
  return {
    record: d.outbox.records.get('under-test')!,
    toHq: telegram
      .texts()
      .filter((t) => t.chatId === HQ.chatId)
      .map((t) => t.text),
  };
}

beforeEach(async () => {
  requests = new FakeRequestRepository();
  telegram = new RecordingMessenger('telegram');
  const requester = { platform: 'telegram' as const, userId: REQUESTER_CHAT, chatId: REQUESTER_CHAT };
  request = await requests.create({ draft: makeDraft(), channel: 'telegram', requester, at: new Date() });
});

it('gives up at once on a message about a request that no longer exists, and tells the HQ chat', async () => {
  const { record, toHq } = await deliverOne({ kind: 'post', platform: 'telegram', chatId: '-100222', requestNumber: 999, viaHeadquarters: false, round: 1 });
  expect(record).toMatchObject({ status: 'failed', attempts: 1, lastError: 'request 999 does not exist' });
  expect(toHq).toEqual([catalogs.ru.t('outbox.undeliveredAbout', { number: 999 })]);
});

it('marks the requester unreachable when news about their request cannot reach them', async () => {
  telegram.unreachable.add(REQUESTER_CHAT);
  const { record } = await deliverOne({
    kind: 'text',
    platform: 'telegram',
    chatId: REQUESTER_CHAT,
    text: 'Заявку взял волонтёр.',
    requestNumber: request.number,
    toRequester: 'taken',
  });
  expect(record).toMatchObject({ status: 'failed', attempts: 1 });
  expect((await requests.findByNumber(request.number))!.requesterUnreachableAt).toBeInstanceOf(Date);
});

it('leaves the requester reachable when a message to someone else about their request fails', async () => {
  telegram.unreachable.add('5');
  const { record } = await deliverOne({ kind: 'text', platform: 'telegram', chatId: '5', text: 'Заявка снята.', requestNumber: request.number });
  expect(record).toMatchObject({ status: 'failed' });
  expect((await requests.findByNumber(request.number))!.requesterUnreachableAt).toBeUndefined();
});

it('finishes without sending the details to a volunteer who does not hold the request', async () => {
  const { record } = await deliverOne({ kind: 'task', platform: 'telegram', chatId: '5', requestNumber: request.number, volunteerId: '5' });
  expect(record.status).toBe('sent');
  expect(telegram.calls).toEqual([]);
});

it('finishes without a picture on a platform that cannot show one', async () => {
  const { record } = await deliverOne({ kind: 'chart', platform: 'telegram', chatId: HQ.chatId, caption: 'Отчёт', columns: [[1, 2]] });
  expect(record.status).toBe('sent');
  expect(telegram.calls).toEqual([]);
});

it('does not ask for a rating of a request that is not done', async () => {
  const { record } = await deliverOne({ kind: 'feedback', platform: 'telegram', chatId: REQUESTER_CHAT, requestNumber: request.number, reminder: false });
  expect(record.status).toBe('sent');
  expect(telegram.calls).toEqual([]);
});

describe('the edit of a post a released request left behind', () => {
  const OLD_POST = { platform: 'telegram' as const, chatId: HQ.chatId, messageId: '7', viaHeadquarters: true, round: 0 };
  const ivan = { platform: 'telegram' as const, userId: '11', displayName: 'Иван' };

  /** Posts the request in round 0, lets Ivan take it and give it back at `releasedAt`: round 1, not posted yet. */
  async function releasedAt(releasedAt: Date) {
    await requests.addPost(request.number, OLD_POST, new Date());
    await requests.claim(request.number, ivan, new Date());
    const act = createRequestLifecycle({
      requests,
      isCoordinator: async () => false,
      afterChange: async () => {},
      logger: new RecordingLogger(),
      now: () => releasedAt,
    });
    await act(request.number, { platform: 'telegram', userId: '11' }, 'telegram', { type: 'release', reason: 'Не успеваю' });
  }
  const syncOfOldPost: OutboxMessage = { kind: 'sync', platform: 'telegram', chatId: HQ.chatId, requestNumber: 1, round: 0 };

  it('waits for the new round’s post, so it can say where the request went', async () => {
    await releasedAt(new Date());
    const { record } = await deliverOne(syncOfOldPost);
    expect(record).toMatchObject({ status: 'pending', lastError: 'new round not posted yet' });
    expect(telegram.updates()).toEqual([]);
  });

  it('waits no longer than a minute: a new post that never went out does not hold it', async () => {
    await releasedAt(new Date(Date.now() - 5 * 60_000));
    const { record } = await deliverOne(syncOfOldPost);
    expect(record.status).toBe('sent');
    const view = telegram.updates()[0]!.view;
    expect(view).toMatchObject({ superseded: true });
    expect(view.repostedTo).toBeUndefined();
    // It promises no place it does not know.
    expect(createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario).groupPost(view, true)).toContain(
      '↩️ Волонтёр не смог выполнить заявку, она снова ждёт волонтёра и опубликована заново.',
    );
  });
});

it("posts a waiting request once more below its reminder, once, and edits every post of the round's chat together", async () => {
  const chat = { platform: 'telegram' as const, chatId: '-100222' };
  await requests.addPost(request.number, { ...chat, messageId: '1', viaHeadquarters: false, round: request.round }, new Date());
  const repost = { kind: 'post' as const, ...chat, requestNumber: request.number, viaHeadquarters: false, round: request.round };
  // The round's post went out already: a plain post is not sent twice, a reminder's repost is.
  expect((await deliverOne(repost)).record.status).toBe('sent');
  expect(telegram.posts()).toEqual([]);
  await deliverOne({ ...repost, reminder: true });
  expect(telegram.posts()).toMatchObject([{ chatId: chat.chatId, view: { number: request.number, status: 'new' } }]);
  // Delivered again (a worker died before marking it): the repost is there, nothing more is posted.
  await deliverOne({ ...repost, reminder: true });
  expect(telegram.posts()).toHaveLength(1);
  const posts = (await requests.findByNumber(request.number))!.posts;
  expect(posts.map((p) => p.messageId)).toEqual(['1', telegram.posts()[0]!.messageId]);

  await requests.claim(request.number, { platform: 'telegram', userId: '5', displayName: 'Волонтёр' }, new Date());
  await deliverOne({ kind: 'sync', ...chat, requestNumber: request.number, round: request.round });
  expect(telegram.updates().map((u) => [u.post.messageId, u.view.status])).toEqual(posts.map((p) => [p.messageId, 'claimed']));
  // A claimed request is not posted again by a late reminder.
  await deliverOne({ ...repost, reminder: true, chatId: '-100333' });
  expect(telegram.posts()).toHaveLength(1);
});
