// Proves test/support/vk-api-fake.ts against the real vk-io 4.10: polling, replies with keyboards,
// callback buttons, edits by conversation_message_id, errors, idempotency, and a clean stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIError,
  Keyboard,
  VK,
  type AudioMessageAttachment,
  type DocumentAttachment,
  type MessageContext,
  type MessageEventContext,
  type PhotoAttachment,
  type VideoAttachment,
} from 'vk-io';
import { VkPerson } from '../support/harness.js';
import { NO_ACCESS_TO_CHAT, PEER_CHAT_OFFSET, VkApiFake, type VkUpdate } from '../support/vk-api-fake.js';

const TOKEN = 'vk1.a.test-community-token';
const GROUP_ID = 222333;
const ANNA = 101;
const BORIS = 102;
const CHAT = PEER_CHAT_OFFSET + 7;

const replyKeyboard = () =>
  Keyboard.builder()
    .textButton({ label: 'Оставить заявку', payload: { m: 'new' } })
    .callbackButton({ label: 'Взять', payload: { c: 'take', r: 5 } })
    .inline();

let fake: VkApiFake;
let vk: VK;
const seen: { messages: MessageContext[]; events: MessageEventContext[]; actions: MessageContext[]; sendErrors: unknown[] } = {
  messages: [],
  events: [],
  actions: [],
  sendErrors: [],
};

beforeAll(async () => {
  fake = new VkApiFake({ token: TOKEN, groupId: GROUP_ID });
  await fake.start();
  fake.addUser({ id: ANNA, firstName: 'Анна', lastName: 'Петрова' });
  vk = new VK({ token: TOKEN, apiBaseUrl: fake.apiBaseUrl, pollingGroupId: GROUP_ID, apiLimit: 100, apiMode: 'sequential', agent: fake.agent });

  vk.updates.on('message_new', async (context) => {
    seen.messages.push(context);
    if (context.text === 'silent') return;
    try {
      const sent = await context.send(`echo: ${context.text ?? '(no text)'}`, { keyboard: replyKeyboard() });
      (context as { state: Record<string, unknown> }).state.sent = sent;
    } catch (error) {
      seen.sendErrors.push(error);
    }
  });
  vk.updates.on(['chat_kick_user', 'chat_invite_user'], (context) => {
    seen.actions.push(context);
  });
  vk.updates.on('message_event', async (context) => {
    seen.events.push(context);
    await vk.api.messages.sendMessageEventAnswer({
      event_id: context.eventId,
      user_id: context.userId,
      peer_id: context.peerId,
      event_data: JSON.stringify({ type: 'show_snackbar', text: `pressed ${String((context.eventPayload as { r?: number }).r)}` }),
    });
    if ((context.eventPayload as { c?: string }).c === 'take') {
      await vk.api.messages.edit({
        peer_id: context.peerId,
        conversation_message_id: context.conversationMessageId,
        message: 'taken',
        keyboard: Keyboard.builder()
          .callbackButton({ label: 'Отказаться', payload: { c: 'drop' } })
          .inline(),
      });
    }
  });
  await vk.updates.start();
});

afterAll(async () => {
  await vk?.updates.stop();
  await fake?.stop();
});

describe('VkApiFake with the real vk-io', () => {
  it('starts polling with groups.getLongPollServer, form-encoded, with access_token and v', () => {
    const [call] = fake.callsOf('groups.getLongPollServer');
    expect(call?.params).toMatchObject({ group_id: String(GROUP_ID), v: '5.199' });
    expect(call?.response).toMatchObject({ server: `${fake.baseUrl}/longpoll/${GROUP_ID}`, ts: '1' });
  });

  it('delivers a message_new; the bot replies with peer_ids and a keyboard', async () => {
    const before = seen.messages.length;
    fake.pushMessage({ fromId: ANNA, text: 'Привет <b>&"', payload: { m: 'start' } });
    const [reply] = await fake.waitFor(() => fake.messagesTo(ANNA).length === 1 && fake.messagesTo(ANNA));
    const ctx = seen.messages[before]!;
    expect(ctx.text).toBe('Привет <b>&"'); // VK escapes it, vk-io unescapes it
    expect(ctx.peerId).toBe(ANNA);
    expect(ctx.senderId).toBe(ANNA);
    expect(ctx.messagePayload).toEqual({ m: 'start' });
    expect(ctx.conversationMessageId).toBe(1);
    expect(ctx.isChat).toBe(false);
    expect(ctx.isOutbox).toBe(false);
    expect(ctx.clientInfo.button_actions).toContain('callback');
    expect(ctx.$groupId).toBe(GROUP_ID);

    expect(reply).toMatchObject({ text: 'echo: Привет <b>&"', conversationMessageId: 2, id: expect.any(Number) });
    expect(reply!.keyboard).toEqual({
      inline: true,
      buttons: [
        [
          { color: 'secondary', action: { type: 'text', label: 'Оставить заявку', payload: '{"m":"new"}' } },
          { color: 'secondary', action: { type: 'callback', label: 'Взять', payload: '{"c":"take","r":5}' } },
        ],
      ],
    });
    // context.send: peer_ids (the context knows the group), random_id = floor(random*1e4)*Date.now()
    const send = fake.callsOf('messages.send').at(-1)!;
    expect(send.params.peer_ids).toBe(String(ANNA));
    expect(send.params.peer_id).toBeUndefined();
    expect(Number(send.params.random_id) % 1).toBe(0);
    expect(send.response).toEqual([{ peer_id: ANNA, message_id: reply!.id, conversation_message_id: 2 }]);
  });

  it('a sticker arrives as a message with no text and a sticker attachment', async () => {
    const before = seen.messages.length;
    fake.pushSticker(ANNA);
    await fake.waitFor(() => seen.messages.length > before);
    const ctx = seen.messages[before]!;
    expect(ctx.text).toBeUndefined();
    expect(ctx.hasAttachments('sticker')).toBe(true);
    expect(ctx.messagePayload).toBeUndefined();
  });

  it('a callback button gives a message_event; the bot answers it and edits its message by conversation_message_id', async () => {
    const post = fake.messagesTo(ANNA)[0]!;
    const event = fake.press(ANNA, post, 'Взять');
    await fake.waitFor(() => fake.eventAnswers().length === 1);
    const ctx = seen.events.at(-1)!;
    expect(ctx.eventId).toBe(event.object.event_id);
    expect(ctx.userId).toBe(ANNA);
    expect(ctx.peerId).toBe(ANNA);
    expect(ctx.eventPayload).toEqual({ c: 'take', r: 5 });
    expect(ctx.conversationMessageId).toBe(post.conversationMessageId);
    expect(fake.eventAnswers()[0]).toMatchObject({
      eventId: event.object.event_id,
      userId: ANNA,
      peerId: ANNA,
      eventData: { type: 'show_snackbar', text: 'pressed 5' },
    });

    await fake.waitFor(() => fake.messagesTo(ANNA)[0]!.edits === 1);
    const edited = fake.messagesTo(ANNA)[0]!;
    expect(edited.text).toBe('taken');
    expect(edited.keyboard?.buttons[0]?.[0]?.action).toMatchObject({ type: 'callback', label: 'Отказаться' });
  });

  it('a text button sends its label as text with its payload', async () => {
    const before = seen.messages.length;
    fake.press(ANNA, fake.messagesTo(ANNA)[1]!, 'Оставить заявку');
    await fake.waitFor(() => seen.messages.length > before);
    expect(seen.messages[before]!.text).toBe('Оставить заявку');
    expect(seen.messages[before]!.messagePayload).toEqual({ m: 'new' });
  });

  it('in a conversation messages have id 0 and are edited by conversation_message_id', async () => {
    const before = seen.messages.length;
    fake.pushMessage({ fromId: BORIS, peerId: CHAT, text: '/bind' });
    const [reply] = await fake.waitFor(() => fake.messagesTo(CHAT).length === 1 && fake.messagesTo(CHAT));
    const ctx = seen.messages[before]!;
    expect([ctx.id, ctx.isChat, ctx.chatId, ctx.peerId, ctx.senderId]).toEqual([0, true, 7, CHAT, BORIS]);
    expect(reply).toMatchObject({ id: 0, conversationMessageId: 2 });

    await expect(vk.api.messages.edit({ peer_id: CHAT, message_id: 0, message: 'x' })).rejects.toMatchObject({ code: 100 });
    await vk.api.messages.edit({ peer_id: CHAT, conversation_message_id: 2, message: 'edited' });
    expect(fake.messagesTo(CHAT)[0]).toMatchObject({ text: 'edited', edits: 1 });
    expect(fake.messagesTo(CHAT)[0]!.keyboard).toBeUndefined(); // not passed again: gone
  });

  it('the same random_id to the same peer is one message', async () => {
    const a = await vk.api.messages.send({ peer_id: BORIS, message: 'once', random_id: 424242 });
    const b = await vk.api.messages.send({ peer_id: BORIS, message: 'once', random_id: 424242 });
    expect(typeof a).toBe('number');
    expect(b).toBe(a);
    expect(fake.messagesTo(BORIS)).toHaveLength(1);
  });

  it('error 901: APIError for peer_id; for peer_ids (what context.send uses) an error item, no exception', async () => {
    const CLOSED = 555;
    fake.forbidMessagesTo(CLOSED);
    const error = await vk.api.messages.send({ peer_id: CLOSED, message: 'hi', random_id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: 901, message: "Code №901 - Can't send messages for users without permission" });

    const before = seen.messages.length;
    fake.pushMessage({ fromId: CLOSED, text: 'hello' });
    await fake.waitFor(() => fake.callsOf('messages.send').some((c) => c.params.peer_ids === String(CLOSED)));
    await fake.waitFor(() => seen.messages.length > before);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.sendErrors).toEqual([]);
    const call = fake.callsOf('messages.send').find((c) => c.params.peer_ids === String(CLOSED))!;
    expect(call.response).toEqual([{ peer_id: CLOSED, error: { code: 901, description: "Can't send messages for users without permission" } }]);
    const sent = (seen.messages[before] as { state: { sent?: MessageContext } }).state.sent;
    expect(sent?.id).toBeUndefined();
    expect(fake.messagesTo(CLOSED)).toEqual([]);
  });

  it("messages.getConversationsById tells a conversation's title, and nothing for one it does not show", async () => {
    fake.setChatTitle(CHAT, 'Волонтёры района');
    const found = await vk.api.messages.getConversationsById({ peer_ids: [CHAT, PEER_CHAT_OFFSET + 99] });
    expect(found.count).toBe(1);
    expect(found.items[0]).toMatchObject({ peer: { id: CHAT, type: 'chat', local_id: 7 }, chat_settings: { title: 'Волонтёры района' } });
  });

  it('the community removed from a conversation: a chat_kick_user service message for it, then 917 for its messages there until invited back', async () => {
    const ROOM = PEER_CHAT_OFFSET + 8;
    await vk.api.messages.send({ peer_id: ROOM, message: 'before', random_id: 0 });
    const post = fake.messagesTo(ROOM)[0]!;
    const messagesBefore = seen.messages.length;
    const actionsBefore = seen.actions.length;

    const kick = fake.kickCommunity(ROOM, BORIS);
    expect(kick).toMatchObject({
      type: 'message_new',
      object: { message: { peer_id: ROOM, from_id: BORIS, text: '', action: { type: 'chat_kick_user', member_id: -GROUP_ID } } },
    });
    const ctx = await fake.waitFor(() => seen.actions[actionsBefore], undefined, 'the chat_kick_user service message at vk-io');
    // vk-io makes the action the sub-type: a `message_new` handler never sees a service message.
    expect([ctx.is(['message_new']), ctx.is(['chat_kick_user']), ctx.isEvent, ctx.eventType, ctx.eventMemberId]).toEqual([
      false,
      true,
      true,
      'chat_kick_user',
      -GROUP_ID,
    ]);
    expect([ctx.peerId, ctx.senderId, ctx.isChat, ctx.text]).toEqual([ROOM, BORIS, true, undefined]);

    // peer_id (and every edit): an API error; peer_ids (as context.send and group posts use): the peer's item.
    await expect(vk.api.messages.send({ peer_id: ROOM, message: 'x', random_id: 0 })).rejects.toMatchObject({ code: 917 });
    expect(await vk.api.messages.send({ peer_ids: ROOM, message: 'x', random_id: 0 })).toEqual([
      { peer_id: ROOM, error: { code: 917, description: NO_ACCESS_TO_CHAT.error_msg } },
    ]);
    await expect(vk.api.messages.edit({ peer_id: ROOM, conversation_message_id: post.conversationMessageId, message: 'y' })).rejects.toBeInstanceOf(APIError);
    expect(fake.messagesTo(ROOM).map((m) => [m.text, m.edits])).toEqual([['before', 0]]);
    // Other peers are written to as before.
    expect(typeof (await vk.api.messages.send({ peer_id: ANNA, message: 'still here', random_id: 0 }))).toBe('number');

    fake.inviteCommunity(ROOM, BORIS);
    const invited = await fake.waitFor(() => seen.actions[actionsBefore + 1], undefined, 'the chat_invite_user service message at vk-io');
    expect([invited.eventType, invited.eventMemberId]).toEqual(['chat_invite_user', -GROUP_ID]);
    await vk.api.messages.send({ peer_id: ROOM, message: 'back', random_id: 0 });
    expect(fake.messagesTo(ROOM).map((m) => m.text)).toEqual(['before', 'back']);
    expect(seen.messages.length).toBe(messagesBefore);
    expect(seen.sendErrors).toEqual([]);
  });

  it('refuseWritesTo fails sends and edits to one peer with any VK error, per peer with peer_ids, until allowWritesTo', async () => {
    const ROOM = PEER_CHAT_OFFSET + 9;
    await vk.api.messages.send({ peer_id: ROOM, message: 'first', random_id: 0 });
    fake.refuseWritesTo(ROOM, { error_code: 1012, error_msg: 'Writing is disabled for this chat' });
    expect(await vk.api.messages.send({ peer_ids: ROOM, message: 'x', random_id: 0 })).toEqual([
      { peer_id: ROOM, error: { code: 1012, description: 'Writing is disabled for this chat' } },
    ]);
    await expect(vk.api.messages.send({ peer_id: ROOM, message: 'x', random_id: 0 })).rejects.toMatchObject({ code: 1012 });
    await expect(vk.api.messages.edit({ peer_id: ROOM, conversation_message_id: 1, message: 'y' })).rejects.toMatchObject({ code: 1012 });
    fake.allowWritesTo(ROOM);
    await vk.api.messages.edit({ peer_id: ROOM, conversation_message_id: 1, message: 'edited' });
    expect(fake.messagesTo(ROOM).map((m) => m.text)).toEqual(['edited']);
  });

  it('users.get, a wrong token, an unknown method, a bad keyboard', async () => {
    expect(await vk.api.users.get({ user_ids: [ANNA, 9] })).toMatchObject([
      { id: ANNA, first_name: 'Анна', last_name: 'Петрова' },
      { id: 9, first_name: 'User9' },
    ]);
    const stranger = new VK({ token: 'wrong', apiBaseUrl: fake.apiBaseUrl, agent: fake.agent });
    await expect(stranger.api.users.get({})).rejects.toMatchObject({ code: 5 });
    await expect(vk.api.call('messages.frobnicate', {})).rejects.toMatchObject({ code: 3, message: 'Code №3 - Unknown method passed' });
    expect(fake.unknownCalls.map((c) => c.method)).toEqual(['messages.frobnicate']);
    await expect(vk.api.messages.send({ peer_id: ANNA, message: 'x', random_id: 0, keyboard: { buttons: [] } as never })).rejects.toMatchObject({ code: 911 });
  });

  it('delivers 50 callback presses, each answered once', async () => {
    const answered = fake.eventAnswers().length;
    const events: VkUpdate[] = [];
    for (let i = 0; i < 50; i += 1) events.push(fake.pushMessageEvent({ userId: ANNA, conversationMessageId: 1, payload: { c: 'n', r: i } }));
    await fake.waitFor(() => fake.eventAnswers().length === answered + 50);
    expect(
      fake
        .eventAnswers()
        .slice(answered)
        .map((a) => a.eventId)
        .sort(),
    ).toEqual(events.map((e) => e.object.event_id).sort());
  });

  it('a Callback API body is the event plus secret, and vk-io handles it like a polled one', async () => {
    const before = seen.messages.length;
    const body = fake.webhookBody(fake.makeMessageNew({ fromId: ANNA, text: 'silent' }), 's3cret');
    expect(body).toMatchObject({ type: 'message_new', group_id: GROUP_ID, secret: 's3cret', v: '5.199' });
    await vk.updates.handleWebhookUpdate(body);
    expect(seen.messages[before]?.text).toBe('silent');
  });

  it('an expired long poll key makes vk-io fetch a new server and go on', async () => {
    const servers = fake.callsOf('groups.getLongPollServer').length;
    fake.expireLongPollKey();
    await fake.waitFor(() => fake.callsOf('groups.getLongPollServer').length > servers);
    const before = seen.messages.length;
    fake.pushMessage({ fromId: ANNA, text: 'silent' });
    await fake.waitFor(() => seen.messages.length > before);
  });

  it('without pollingGroupId vk-io asks groups.getById', async () => {
    const other = new VK({ token: TOKEN, apiBaseUrl: fake.apiBaseUrl, agent: fake.agent, apiLimit: 100 });
    other.updates.on('message_new', () => undefined);
    const calls = fake.callsOf('groups.getById').length;
    await other.updates.start();
    expect(fake.callsOf('groups.getById')).toHaveLength(calls + 1);
    expect(other.updates.isStarted).toBe(true);
    await other.updates.stop();
  });

  it('releaseHeldPolls() lets a stopped vk-io loop end at once, so it takes no later event', async () => {
    const other = new VK({ token: TOKEN, apiBaseUrl: fake.apiBaseUrl, pollingGroupId: GROUP_ID, agent: fake.agent, apiLimit: 100 });
    const got: string[] = [];
    other.updates.on('message_new', (context) => {
      got.push(context.text ?? '');
    });
    fake.releaseHeldPolls(); // ends the poll of the bot stopped in the test before
    await fake.waitFor(() => fake.heldPollCount === 1); // the main bot's
    await other.updates.start();
    await fake.waitFor(() => fake.heldPollCount === 2); // and this one's
    await other.updates.stop();
    fake.releaseHeldPolls();
    // The main bot polls again, `other` does not (waited for, not timed: CI machines are slow).
    await fake.waitFor(() => fake.heldPollCount === 1);
    fake.pushMessage({ fromId: ANNA, text: 'silent after release' });
    await fake.waitFor(() => seen.messages.at(-1)?.text === 'silent after release');
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]);
  });

  it('vk.updates.stop() does not abort the held long poll; an event arriving meanwhile is still handled', async () => {
    await fake.waitFor(() => fake.heldPollCount > 0 && !seen.messages.at(-1)?.text?.startsWith('late'));
    await vk.updates.stop();
    expect(vk.updates.isStarted).toBe(false);
    // stop() returned while the poll is still held: it did not wait for the poll to end (a check of
    // state, not of milliseconds, so a loaded machine cannot fail it).
    expect(fake.heldPollCount).toBeGreaterThan(0);
    const before = seen.messages.length;
    fake.pushMessage({ fromId: ANNA, text: 'late silent' });
    await fake.waitFor(() => seen.messages.length > before);
    expect(seen.messages.at(-1)!.text).toBe('late silent');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.heldPollCount).toBe(0); // no new poll after that
  });
});

describe('execute, as vk-io packs calls into it, and the per-second limit', () => {
  it('answers each packed call as on its own, reports a failed one in execute_errors, and refuses requests over the limit with error 6', async () => {
    const own = new VkApiFake({ token: TOKEN, groupId: GROUP_ID });
    await own.start();
    try {
      own.addUser({ id: ANNA, firstName: 'Анна', lastName: 'Петрова' });
      const batching = new VK({
        token: TOKEN,
        apiBaseUrl: own.apiBaseUrl,
        apiLimit: 5,
        apiMode: 'parallel_selected',
        apiExecuteMethods: ['users.get'],
        agent: own.agent,
      });
      // Ten lookups at once, five requests a second: vk-io sends the first alone and packs the rest.
      const ids = [ANNA, ANNA, ANNA, 999_999, ANNA, ANNA, ANNA, ANNA, ANNA, ANNA];
      own.fail('users.get', (p) => p.user_ids === '999999', { error_code: 113, error_msg: 'Invalid user id' });
      const results = await Promise.allSettled(ids.map((id) => batching.api.users.get({ user_ids: [id] })));
      expect(results.map((r) => r.status)).toEqual(ids.map((id) => (id === 999_999 ? 'rejected' : 'fulfilled')));
      const names = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value[0]?.first_name] : []));
      expect(names).toEqual(Array(9).fill('Анна'));
      expect(own.callsOf('execute').length).toBeGreaterThan(0);
      expect(own.callsOf('users.get')).toHaveLength(10);
      expect(own.tooManyRequests).toBe(0);

      // A client that ignores the limit is refused past it.
      own.enforceRate(3);
      const raw = (n: number) =>
        fetch(`${own.apiBaseUrl}/users.get`, { method: 'POST', body: new URLSearchParams({ access_token: TOKEN, v: '5.199', user_ids: String(n) }) }).then(
          (r) => r.json() as Promise<{ error?: { error_code: number } }>,
        );
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => raw(ANNA)));
      expect(answers.filter((a) => a.error?.error_code === 6)).toHaveLength(2);
      expect(own.tooManyRequests).toBe(2);
    } finally {
      await own.stop();
    }
  });
});

describe('photos, voice messages, videos, documents and locations, as a person sends them and the community sends them on', () => {
  let own: VkApiFake;
  let community: VK;
  const got: MessageContext[] = [];
  const VOLUNTEERS = PEER_CHAT_OFFSET + 20;
  /** The message at vk-io after `before` ones. */
  const nextMessage = (before: number, what: string) => own.waitFor(() => got[before], undefined, `${what} at vk-io`);
  const send = (params: Record<string, unknown>) => community.api.messages.send({ peer_id: VOLUNTEERS, random_id: 0, ...params });

  beforeAll(async () => {
    own = new VkApiFake({ token: TOKEN, groupId: GROUP_ID });
    await own.start();
    community = new VK({ token: TOKEN, apiBaseUrl: own.apiBaseUrl, pollingGroupId: GROUP_ID, apiLimit: 100, agent: own.agent });
    community.updates.on('message_new', (context) => {
      got.push(context);
    });
    await community.updates.start();
  });
  afterAll(async () => {
    await community?.updates.stop();
    await own?.stop();
  });

  it('several photos come in one message, with the caption as its text, each with its owner, id, access key and sizes', async () => {
    const anna = new VkPerson(own, ANNA, ANNA);
    const before = got.length;
    const sent = anna.sendPhoto({ caption: 'Рецепт и квитанции', count: 3 });
    const ctx = await nextMessage(before, 'the message with three photos');
    expect(ctx.text).toBe('Рецепт и квитанции');
    const photos = ctx.getAttachments('photo') as PhotoAttachment[];
    expect(photos).toHaveLength(3);
    expect(photos.map((p) => p.toString())).toEqual(sent);
    expect(sent.every((a) => /^photo101_\d+_[0-9a-f]{18}$/.test(a))).toBe(true);
    expect(photos.map((p) => [p.ownerId, p.isFilled, p.sizes?.length])).toEqual(Array(3).fill([ANNA, true, 5]));
    expect(photos[0]!.largeSizeUrl).toMatch(/^https:\/\//);
    expect(() => anna.sendPhoto({ count: 11 })).toThrow(/at most 10/);
  });

  it('a voice message, a video and a 50 MB document come as audio_message, video and doc', async () => {
    const anna = new VkPerson(own, ANNA, ANNA);
    const before = got.length;
    const voice = anna.sendVoice({ durationSec: 9 });
    const video = anna.sendVideo();
    const doc = anna.sendDocument({ sizeBytes: 50 * 1024 * 1024, name: 'справка.pdf' });
    const [voiceCtx, videoCtx, docCtx] = [
      await nextMessage(before, 'the voice message'),
      await nextMessage(before + 1, 'the video'),
      await nextMessage(before + 2, 'the document'),
    ];
    const audio = voiceCtx.getAttachments('audio_message')[0] as AudioMessageAttachment;
    expect([audio.duration, audio.oggUrl, audio.mp3Url, audio.ownerId]).toEqual([9, expect.stringMatching(/\.ogg$/), expect.stringMatching(/\.mp3$/), ANNA]);
    // Sent on as a doc: its own string form (audio_message…) is not what messages.send takes.
    expect(voice).toBe(`doc${ANNA}_${audio.id}_${audio.accessKey}`);
    expect((videoCtx.getAttachments('video')[0] as VideoAttachment).toString()).toBe(video);
    const document = docCtx.getAttachments('doc')[0] as DocumentAttachment;
    expect([document.title, document.size, document.extension, document.typeId, document.toString()]).toEqual(['справка.pdf', 52_428_800, 'pdf', 1, doc]);
  });

  it("a location comes as the message's geo", async () => {
    const before = got.length;
    new VkPerson(own, ANNA, ANNA).sendLocation(55.7558, 37.6173);
    const ctx = await nextMessage(before, 'the location');
    expect([ctx.text, ctx.hasGeo, ctx.hasAttachments()]).toEqual([undefined, true, false]);
    expect(ctx.geo).toMatchObject({ type: 'point', coordinates: { latitude: 55.7558, longitude: 37.6173 } });
  });

  it('messages.send attaches issued objects named with their access keys, and lat/long put a location on the message', async () => {
    const anna = new VkPerson(own, ANNA, ANNA);
    const photos = anna.sendPhoto({ count: 2 });
    const voice = anna.sendVoice();
    const doc = anna.sendDocument({ sizeBytes: 1_000, name: 'list.txt' });
    await send({ message: 'От Анны', attachment: [...photos, voice, doc].join(','), lat: 55.7558, long: 37.6173 });
    const [post] = own.messagesTo(VOLUNTEERS);
    expect(post!.attachments?.map((a) => [a.kind, a.attachment])).toEqual([
      ['photo', photos[0]],
      ['photo', photos[1]],
      ['audio_message', voice],
      ['doc', doc],
    ]);
    expect([post!.droppedAttachments, post!.geo]).toEqual([undefined, { latitude: 55.7558, longitude: 37.6173 }]);
    // Read back, the message carries the objects and the geo as VK gives them.
    const { items } = await community.api.messages.getByConversationMessageId({ peer_id: VOLUNTEERS, conversation_message_ids: [post!.conversationMessageId] });
    expect(items[0]!.attachments?.map((a) => a.type)).toEqual(['photo', 'photo', 'audio_message', 'doc']);
    expect(items[0]).toMatchObject({ geo: { type: 'point', coordinates: { latitude: 55.7558, longitude: 37.6173 } } });
    // A location alone is a message.
    await send({ lat: -33.9, long: 151.2 });
    expect(own.messagesTo(VOLUNTEERS).at(-1)).toMatchObject({ text: '', geo: { latitude: -33.9, longitude: 151.2 } });
  });

  it('an unknown object, a wrong or missing access key are left out without an error; with nothing left the message is empty', async () => {
    const [photo] = new VkPerson(own, BORIS, BORIS).sendPhoto();
    const withoutKey = photo!.replace(/_[0-9a-f]+$/, '');
    const wrongKey = `${withoutKey}_0123456789abcdef01`;
    const audioMessageForm = new VkPerson(own, BORIS, BORIS).sendVoice().replace(/^doc/, 'audio_message');
    await send({ message: 'Без фото', attachment: [withoutKey, wrongKey, 'photo1_1', audioMessageForm, photo].join(',') });
    const post = own.messagesTo(VOLUNTEERS).at(-1)!;
    expect(post.attachments?.map((a) => a.attachment)).toEqual([photo]);
    expect(post.droppedAttachments).toEqual([withoutKey, wrongKey, 'photo1_1', audioMessageForm]);

    const sent = own.messagesTo(VOLUNTEERS).length;
    await expect(send({ attachment: wrongKey })).rejects.toMatchObject({
      code: 100,
      message: 'Code №100 - One of the parameters specified was missing or invalid: message is empty or invalid',
    });
    await expect(send({ attachment: Array(11).fill(photo).join(',') })).rejects.toMatchObject({
      code: 100,
      message: expect.stringMatching(/attachment: at most 10/),
    });
    await expect(send({ message: 'x', lat: 91, long: 0 })).rejects.toMatchObject({ code: 100, message: expect.stringMatching(/lat should be from -90 to 90/) });
    await expect(send({ message: 'x', lat: 10 })).rejects.toMatchObject({ code: 100, message: expect.stringMatching(/long should be/) });
    expect(own.messagesTo(VOLUNTEERS)).toHaveLength(sent);
  });

  it('a location button must be alone in its row (911 beside another button)', async () => {
    const alone = Keyboard.builder()
      .textButton({ label: 'Назад' })
      .row()
      .locationRequestButton({ payload: { m: 'geo' } })
      .oneTime();
    await send({ message: 'Где вы?', keyboard: alone });
    expect(own.messagesTo(VOLUNTEERS).at(-1)!.keyboard?.buttons).toEqual([
      [{ color: 'secondary', action: { type: 'text', label: 'Назад', payload: '{}' } }],
      [{ action: { type: 'location', payload: '{"m":"geo"}' } }],
    ]);
    // vk-io's builder puts a wide button beside one other unless a row() comes first.
    const beside = Keyboard.builder().textButton({ label: 'Назад' }).locationRequestButton({});
    await expect(send({ message: 'Где вы?', keyboard: beside })).rejects.toMatchObject({
      code: 911,
      message: expect.stringMatching(/location button should be alone/),
    });
  });
});
