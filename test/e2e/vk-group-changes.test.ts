import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDraft } from '../support/fakes.js';
import { eventually, fileVkRequest, HQ_CHAT_ID, SystemHarness, VK_COORDINATOR_ID, type VkPerson } from '../support/harness.js';
import { NO_ACCESS_TO_CHAT, PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

// A volunteers' conversation lost under the running bot: the community removed from it (VK says so
// with a service message), or VK refusing its posts there. The HQ chats hear of it once, the
// district's requests go to them until a coordinator binds the conversation again.
const HQ_PEER = PEER_CHAT_OFFSET + 99;
const LENINSKY = PEER_CHAT_OFFSET + 31;
const OKTYABRSKY = PEER_CHAT_OFFSET + 32;
const TITLES = { [LENINSKY]: 'Волонтёры Ленинского', [OKTYABRSKY]: 'Волонтёры Октябрьского' };
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', '765', 'Хлеб, молоко'];
/** Long enough for the outbox on a loaded CI machine; a wait fails naming what did not arrive. */
const OUTBOX_WAIT_MS = 30_000;

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({ HQ_VK_PEER_ID: String(HQ_PEER) }, { vk: true });
  for (const [peerId, title] of Object.entries(TITLES)) h.vk.setChatTitle(Number(peerId), title);
  expect((await coordinatorIn(LENINSKY).ask('/bind Ленинский')).text).toMatch(/получает заявки района «Ленинский»/);
  expect((await coordinatorIn(OKTYABRSKY).ask('/bind Октябрьский')).text).toMatch(/получает заявки района «Октябрьский»/);
});
afterAll(async () => {
  await h?.stop();
});

const coordinatorIn = (peerId: number): VkPerson => h.vkPerson(VK_COORDINATOR_ID, 'Координатор', peerId);
const isPostOf = (text: string, number: number) => text.includes(`Заявка №${number}\nРайон:`);
/** The group posts of a request in a VK peer, and in the Telegram HQ chat. */
const vkPostsOf = (peerId: number, number: number) => h.vk.messagesTo(peerId).filter((m) => isPostOf(m.text, number));
const tgHqPostsOf = (number: number) => h.messagesTo(HQ_CHAT_ID).filter((m) => isPostOf(m.message.text, number));
/** The HQ's note that a district's chat is lost. */
const isLostNote = (text: string, district: string) =>
  text.startsWith('⚠️ Бот больше не может писать в чат волонтёров') && text.includes(`района «${district}»`);
const vkLostNotes = (district: string) => h.vk.messagesTo(HQ_PEER).filter((m) => isLostNote(m.text, district));
const tgLostNotes = (district: string) => h.messagesTo(HQ_CHAT_ID).filter((m) => isLostNote(m.message.text, district));
const undeliveredNotes = () =>
  [...h.vk.messagesTo(HQ_PEER).map((m) => m.text), ...h.messagesTo(HQ_CHAT_ID).map((m) => m.message.text)].filter((t) =>
    t.startsWith('⚠️ Не удалось доставить'),
  );
/** messages.send and messages.edit calls the bot made to a peer. */
const writesTo = (peerId: number) =>
  h.vk.calls.filter((c) => (c.method === 'messages.send' || c.method === 'messages.edit') && [c.params.peer_id, c.params.peer_ids].includes(String(peerId)));
const outbox = () => h.database.db.connection.collection('outbox');

function waitForVkPost(peerId: number, number: number) {
  return h.vk.waitFor(
    () => vkPostsOf(peerId, number)[0],
    OUTBOX_WAIT_MS,
    () => `the post of request №${number} in VK peer ${peerId} (it has ${h.vk.messagesTo(peerId).length} messages)`,
  );
}

function expectNoPersonalData(text: string, ...names: string[]) {
  for (const personal of [...PERSONAL, ...names]) expect(text).not.toContain(personal);
}

/** Nothing posted twice in one chat: at most one post of each request in each of these chats. */
function expectPostedAtMostOnce(numbers: number[], peers: number[]) {
  for (const number of numbers) {
    for (const peerId of peers) expect(vkPostsOf(peerId, number).length, `posts of №${number} in VK peer ${peerId}`).toBeLessThanOrEqual(1);
    expect(tgHqPostsOf(number).length, `posts of №${number} in the Telegram HQ chat`).toBeLessThanOrEqual(1);
  }
}

describe('a VK conversation lost under the bot', () => {
  it("answers no service message as words, and another member's removal breaks nothing", async () => {
    const coordinator = coordinatorIn(LENINSKY);
    coordinator.skipAll();
    h.vk.pushChatAction(LENINSKY, VK_COORDINATOR_ID, { type: 'chat_invite_user', member_id: 7777 });
    h.vk.pushChatAction(LENINSKY, VK_COORDINATOR_ID, { type: 'chat_kick_user', member_id: 7777 });
    h.vk.pushChatAction(LENINSKY, VK_COORDINATOR_ID, { type: 'chat_title_update', text: '/bind Октябрьский' });
    // The next thing the community says there is its answer to /id: the service messages got none.
    expect((await coordinator.ask('/id')).text).toMatch(/Ленинский/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    coordinator.skipAll();
    expect(h.vk.messagesTo(LENINSKY).filter((m) => !/Ленинский/.test(m.text))).toEqual([]);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([expect.not.objectContaining({ broken: expect.anything() })]);
  });

  it('the community removed from a bound conversation: the HQ is told, the waiting request and new ones go there, until /bind again', async () => {
    const irina = h.vkPerson(6301, 'Ирина');
    const waiting = await fileVkRequest(irina, 'Ленинский');
    await waitForVkPost(LENINSKY, waiting);

    h.vk.kickCommunity(LENINSKY, VK_COORDINATOR_ID);
    const writesBeforeRebind = writesTo(LENINSKY).length;

    // The HQ chats are told once, by the conversation's title, with nothing about any person.
    const [note] = await h.vk.waitFor(
      () => vkLostNotes('Ленинский').length > 0 && vkLostNotes('Ленинский'),
      OUTBOX_WAIT_MS,
      'the note to the VK HQ peer that the Ленинский conversation is lost',
    );
    expect(note!.text).toMatch(/^⚠️ Бот больше не может писать в чат волонтёров «Волонтёры Ленинского» района «Ленинский»: бота удалили из чата\./);
    expect(note!.text).toContain('/bind Ленинский');
    expectNoPersonalData(note!.text, 'Ирина');
    await h.emulator.waitFor(() => tgLostNotes('Ленинский')[0], OUTBOX_WAIT_MS, 'the same note in the Telegram HQ chat');
    const [binding] = await h.database.db.repositories.districtChats.chatsOf('Ленинский');
    expect(binding).toMatchObject({ chatId: String(LENINSKY), broken: { reason: 'removed' } });

    // The request waiting there is posted again in the HQ chats, with its button.
    const reposted = await waitForVkPost(HQ_PEER, waiting);
    expect(reposted.text).toContain('⚠️ Для района «Ленинский» не подключён чат волонтёров.');
    expect(reposted.keyboard?.buttons.flat().map((b) => b.action.label)).toEqual(['✋ Взять заявку']);
    expectNoPersonalData(reposted.text);
    await h.emulator.waitFor(() => tgHqPostsOf(waiting)[0], OUTBOX_WAIT_MS, `the repost of №${waiting} in the Telegram HQ chat`);

    // A new request of the district goes to the HQ chats, and nothing more to the lost conversation.
    const next = await fileVkRequest(h.vkPerson(6302, 'Пётр'), 'Ленинский');
    await waitForVkPost(HQ_PEER, next);
    expect(writesTo(LENINSKY).slice(writesBeforeRebind)).toEqual([]);

    // Added back and bound again: the district's requests go to the conversation once more.
    h.vk.inviteCommunity(LENINSKY, VK_COORDINATOR_ID);
    expect((await coordinatorIn(LENINSKY).ask('/bind Ленинский')).text).toMatch(/получает заявки района «Ленинский»/);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([expect.not.objectContaining({ broken: expect.anything() })]);
    const after = await fileVkRequest(h.vkPerson(6303, 'Алла'), 'Ленинский');
    await waitForVkPost(LENINSKY, after);
    await eventually(
      async () => (await outbox().countDocuments({ requestNumber: after, status: { $in: ['pending', 'sending'] } })) === 0,
      OUTBOX_WAIT_MS,
      `the outbox done with №${after}`,
    );
    expect(vkPostsOf(HQ_PEER, after)).toEqual([]);
    expect(tgHqPostsOf(after)).toEqual([]);

    expect(vkLostNotes('Ленинский')).toHaveLength(1);
    expect(tgLostNotes('Ленинский')).toHaveLength(1);
    expect([vkPostsOf(LENINSKY, waiting).length, vkPostsOf(HQ_PEER, waiting).length, tgHqPostsOf(waiting).length]).toEqual([1, 1, 1]);
    expectPostedAtMostOnce([waiting, next, after], [LENINSKY, HQ_PEER]);
    expect(undeliveredNotes()).toEqual([]);
  });

  it('a burst of posts the conversation refuses (917 per peer): each reaches the HQ once, the HQ is told once, no "undelivered" note', async () => {
    h.vk.refuseWritesTo(OKTYABRSKY, NO_ACCESS_TO_CHAT);
    const writesBefore = writesTo(OKTYABRSKY).length;
    const { requests, outbox: queue } = h.database.db.repositories;
    // Five requests land at once, their posts enqueued together, as a busy hour would.
    const stored = await Promise.all(
      [6401, 6402, 6403, 6404, 6405].map(async (id) => {
        const request = await requests.create({
          draft: makeDraft({ district: 'Октябрьский' }),
          channel: 'vk',
          requester: { platform: 'vk', userId: String(id), chatId: String(id) },
          at: new Date(),
        });
        await requests.clearEffectsMark(request.number, request.history.length);
        return request;
      }),
    );
    const numbers = stored.map((r) => r.number);
    await queue.enqueue(
      stored.map((r) => ({
        key: `post:${r.number}:vk:${OKTYABRSKY}:${r.round}`,
        message: {
          kind: 'post' as const,
          platform: 'vk' as const,
          chatId: String(OKTYABRSKY),
          requestNumber: r.number,
          viaHeadquarters: false,
          round: r.round,
        },
      })),
      new Date(),
    );

    await h.vk.waitFor(
      () => numbers.every((n) => vkPostsOf(HQ_PEER, n).length > 0),
      OUTBOX_WAIT_MS,
      () => `posts in the VK HQ peer of ${numbers.filter((n) => vkPostsOf(HQ_PEER, n).length === 0).map((n) => `№${n}`)}`,
    );
    await h.emulator.waitFor(
      () => numbers.every((n) => tgHqPostsOf(n).length > 0),
      OUTBOX_WAIT_MS,
      () => `posts in the Telegram HQ chat of ${numbers.filter((n) => tgHqPostsOf(n).length === 0).map((n) => `№${n}`)}`,
    );
    await eventually(
      async () => (await outbox().countDocuments({ requestNumber: { $in: numbers }, status: { $in: ['pending', 'sending'] } })) === 0,
      OUTBOX_WAIT_MS,
      'the outbox done with the burst',
    );
    await eventually(async () => (await outbox().countDocuments({ status: { $in: ['pending', 'sending'] } })) === 0, OUTBOX_WAIT_MS, 'an empty outbox');

    // Each refused once and given up at once: failed, not tried again, no note of its own. (Not
    // `attempts`: a lease the pacer puts back for the chat's next slot counts as one too.)
    const refused = await outbox()
      .find({ chatId: String(OKTYABRSKY), kind: 'post' })
      .toArray();
    expect(refused.map((m) => [m.requestNumber, m.status, m.lastError]).sort()).toEqual(numbers.map((n) => [n, 'failed', 'chat lost: removed']).sort());
    const sends = writesTo(OKTYABRSKY).slice(writesBefore);
    expect(sends.map((c) => c.response)).toEqual(numbers.map(() => [{ peer_id: OKTYABRSKY, error: { code: 917, description: NO_ACCESS_TO_CHAT.error_msg } }]));
    expect(await outbox().countDocuments({ key: { $regex: '^undelivered:' } })).toBe(0);
    expect(undeliveredNotes()).toEqual([]);

    expect(vkLostNotes('Октябрьский')).toHaveLength(1);
    expect(tgLostNotes('Октябрьский')).toHaveLength(1);
    expect(vkLostNotes('Октябрьский')[0]!.text).toMatch(/«Волонтёры Октябрьского» района «Октябрьский»: бота удалили из чата/);
    for (const n of numbers) expect([vkPostsOf(HQ_PEER, n).length, tgHqPostsOf(n).length], `posts of №${n} in the HQ chats`).toEqual([1, 1]);
    expectPostedAtMostOnce(numbers, [OKTYABRSKY, HQ_PEER]);
    expect(vkPostsOf(OKTYABRSKY, numbers[0]!)).toEqual([]);
  });
});
