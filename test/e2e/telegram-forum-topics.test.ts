import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_TOKEN, COORDINATOR_ID, eventually, fileRequest, HQ_CHAT_ID, SystemHarness, type GroupPlace, type StoredBotMessage } from '../support/harness.js';

// One forum supergroup with a topic per district, as many organisations keep their volunteers: a
// /bind sent in a topic binds that topic, and its district's posts, edits and claims stay there.

const FORUM = { id: -1006000, title: 'Волонтёры города' };
const CENTRAL: GroupPlace = { ...FORUM, topic: { id: 11, name: 'Центральный район' } };
const LENIN: GroupPlace = { ...FORUM, topic: { id: 22, name: 'Ленинский район' } };
const BOT = { id: Number(BOT_TOKEN.split(':')[0]), is_bot: true, first_name: 'Бот', username: 'Bot' };

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const postsOf = (number: number) => h.messagesTo(FORUM.id).filter((m) => m.message.text.startsWith(`Заявка №${number}\n`));
/** The topic a message of the bot went to (the emulator keeps what the bot sent, message_thread_id too). */
const topicOf = (sent: StoredBotMessage) => Number((sent.message as { message_thread_id?: number | string }).message_thread_id);

it('binds each topic to its district, posts each request into its topic, and takes a claim only from there', async () => {
  const bound = await h.person(COORDINATOR_ID, 'Координатор', CENTRAL).ask('/bind Центральный');
  expect(bound.message.text).toContain('Центральный');
  expect(topicOf(bound)).toBe(11);
  await h.person(COORDINATOR_ID, 'Координатор', LENIN).ask('/bind Ленинский');
  expect(await h.database.db.repositories.districtChats.listAll()).toEqual([
    expect.objectContaining({ district: 'Ленинский', chatId: `${FORUM.id}/22`, title: 'Волонтёры города / Ленинский район' }),
    expect.objectContaining({ district: 'Центральный', chatId: `${FORUM.id}/11`, title: 'Волонтёры города / Центральный район' }),
  ]);

  const central = await fileRequest(h.person(8001, 'Анна'), 'Центральный');
  const lenin = await fileRequest(h.person(8002, 'Борис'), 'Ленинский');
  await eventually(
    async () => postsOf(central).length === 1 && postsOf(lenin).length === 1,
    undefined,
    () => `the posts of №${central} and №${lenin}`,
  );
  expect(topicOf(postsOf(central)[0]!)).toBe(11);
  expect(topicOf(postsOf(lenin)[0]!)).toBe(22);

  // A press from the other district's topic is not a claim of this district's request.
  await h.person(8101, 'Чужой', LENIN).press(postsOf(central)[0]!, 'Взять заявку');
  await eventually(
    async () => h.callbackAnswers().some((a) => a.text === 'Такой заявки нет.'),
    undefined,
    () => 'the refusal of a press from another topic',
  );
  expect((await h.database.db.repositories.requests.findByNumber(central))?.status).toBe('new');

  // From its own topic it is taken, and the post there says so.
  await h.person(8102, 'Вера', CENTRAL).press(postsOf(central)[0]!, 'Взять заявку');
  await eventually(
    async () => (await h.database.db.repositories.requests.findByNumber(central))?.status === 'claimed',
    undefined,
    () => `№${central} claimed`,
  );
  await eventually(
    async () => /в работе/.test(postsOf(central)[0]!.message.text),
    undefined,
    () => `the post of №${central} edited`,
  );
  expect(postsOf(central)).toHaveLength(1);

  // /id in a topic names the district of the topic and the group's own id, which the HQ chat setting takes.
  const id = (await h.person(8103, 'Вера', LENIN).ask('/id')).message.text;
  expect(id).toContain('«Ленинский»');
  expect(id).toContain(`Идентификатор этого чата: ${FORUM.id}`);
  expect(id).not.toContain(`${FORUM.id}/`);

  const districts = (await h.person(COORDINATOR_ID, 'Координатор').ask('/districts')).message.text;
  expect(districts).toContain('Центральный: «Волонтёры города / Центральный район» (Telegram)');
  expect(districts).toContain('Ленинский: «Волонтёры города / Ленинский район» (Telegram)');
});

it('marks every topic of the group broken when the bot is removed from it, each district told to the HQ chat', async () => {
  h.emulator.pushUpdate(BOT_TOKEN, {
    my_chat_member: {
      chat: { id: FORUM.id, type: 'supergroup', title: FORUM.title, is_forum: true },
      from: { id: COORDINATOR_ID, is_bot: false, first_name: 'Координатор' },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: BOT, status: 'member' },
      new_chat_member: { user: BOT, status: 'left' },
    },
  });
  const notes = () => h.messagesTo(HQ_CHAT_ID).filter((m) => m.message.text.includes('Бот больше не может писать'));
  await eventually(
    async () => notes().length === 2,
    undefined,
    () => 'a note to the HQ chat for each of the two topics',
  );
  expect(notes().filter((m) => m.message.text.includes('«Волонтёры города / Центральный район» района «Центральный»'))).toHaveLength(1);
  expect(notes().filter((m) => m.message.text.includes('«Волонтёры города / Ленинский район» района «Ленинский»'))).toHaveLength(1);
  expect((await h.database.db.repositories.districtChats.listAll()).map((c) => c.broken?.reason)).toEqual(['removed', 'removed']);
  const next = await fileRequest(h.person(8003, 'Галина'), 'Ленинский');
  await eventually(
    async () => h.messagesTo(HQ_CHAT_ID).some((m) => m.message.text.includes(`Заявка №${next}\n`)),
    undefined,
    () => `№${next} in the HQ chat`,
  );
  expect(postsOf(next)).toHaveLength(0);
});
