import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_TOKEN, COORDINATOR_ID, eventually, fileRequest, HQ_CHAT_ID, SystemHarness } from '../support/harness.js';

// Volunteer groups changing under the running bot, as Telegram reports it: a group turned into a
// supergroup (a new chat id), the bot removed from a group. Each case both ways Telegram tells it:
// an update (a service message, my_chat_member) and the refusal of a message sent to the old chat.

const BOT = { id: Number(BOT_TOKEN.split(':')[0]), is_bot: true, first_name: 'Бот', username: 'Bot' };
const COORDINATOR = { id: COORDINATOR_ID, is_bot: false, first_name: 'Координатор' };
/** Telegram's answer to a message for a group that became a supergroup (https://core.telegram.org/bots/api#responseparameters). */
const upgraded = (to: number) => ({
  error_code: 400,
  description: 'Bad Request: group chat was upgraded to a supergroup chat',
  parameters: { migrate_to_chat_id: to },
});
const KICKED = { error_code: 403, description: 'Forbidden: bot was kicked from the group chat' };
/** Telegram's answer to a chat written to too fast: what holds a burst of posts back in a test. */
const SLOW_DOWN = { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } };

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const bindings = () => h.database.db.repositories.districtChats.listAll();
const postsIn = (chatId: number, number: number) =>
  h.messagesTo(chatId).filter((m) => m.message.text.startsWith(`Заявка №${number}\n`) || m.message.text.includes(`\nЗаявка №${number}\n`));
const lostNotes = (district: string) =>
  h.messagesTo(HQ_CHAT_ID).filter((m) => m.message.text.includes('Бот больше не может писать') && m.message.text.includes(`«${district}»`));
const undeliveredNotes = () => h.messagesTo(HQ_CHAT_ID).filter((m) => m.message.text.includes('Не удалось доставить'));

/** Files `count` requests of a district, one relative each, and returns their numbers. */
async function fileSome(district: string, count: number, firstUserId: number): Promise<number[]> {
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) numbers.push(await fileRequest(h.person(firstUserId + i, 'Родственник'), district));
  return numbers;
}

/** Waits until every request was posted in the chat, and says which were not. */
async function postedOnceEach(chatId: number, numbers: number[]): Promise<void> {
  await eventually(
    async () => numbers.every((n) => postsIn(chatId, n).length >= 1),
    undefined,
    () => `posts in chat ${chatId} of ${numbers.filter((n) => postsIn(chatId, n).length === 0).join(', ')}`,
  );
  for (const n of numbers) expect(postsIn(chatId, n), `the posts of №${n} in chat ${chatId}`).toHaveLength(1);
}

it('follows a group that became a supergroup in the middle of a burst of posts: none lost, none twice, the binding moved', async () => {
  const OLD = { id: -5100, title: 'Волонтёры Ленинского' };
  const NEW = -1005100;
  await h.person(COORDINATOR_ID, 'Координатор', OLD).ask('/bind Ленинский');
  const before = await fileSome('Ленинский', 2, 7100);
  await postedOnceEach(OLD.id, before);

  // The next posts wait (Telegram asks to slow down) while the group is upgraded; then every message
  // for the old id is refused with the new one.
  let holding = true;
  let upgradedNow = false;
  h.emulator.fail('sendMessage', (p) => holding && String(p.chat_id) === String(OLD.id), SLOW_DOWN);
  h.emulator.fail('*', (p) => upgradedNow && String(p.chat_id) === String(OLD.id), upgraded(NEW));
  const during = await fileSome('Ленинский', 3, 7110);
  upgradedNow = true;
  holding = false;

  await postedOnceEach(NEW, during);
  for (const n of during) expect(postsIn(OLD.id, n)).toHaveLength(0);
  for (const n of before) expect(postsIn(NEW, n)).toHaveLength(0);
  expect((await bindings()).filter((b) => b.district === 'Ленинский')).toEqual([expect.objectContaining({ chatId: String(NEW), title: OLD.title })]);

  // A volunteer in the supergroup takes one of the new posts: the press counts as the district's.
  const volunteer = h.person(7190, 'Ольга', { id: NEW, title: OLD.title });
  await volunteer.press(postsIn(NEW, during[0]!)[0]!, 'Взять заявку');
  await eventually(async () => (await h.database.db.repositories.requests.findByNumber(during[0]!))?.status === 'claimed');
  await eventually(async () => /в работе/.test(postsIn(NEW, during[0]!)[0]!.message.text));

  // A request posted before the upgrade, now taken: its old post cannot be edited any more, and
  // that is no failure to report.
  await h.person(7191, 'Пётр', { id: NEW, title: OLD.title }).press(postsIn(OLD.id, before[0]!)[0]!, 'Взять заявку');
  await eventually(async () => (await h.database.db.repositories.requests.findByNumber(before[0]!))?.status === 'claimed');
  const [late] = await fileSome('Ленинский', 1, 7120);
  await postedOnceEach(NEW, [late!]);
  expect(undeliveredNotes()).toEqual([]);
});

it('moves the binding when the update of the upgrade comes first, so nothing is sent to the old id', async () => {
  const OLD = { id: -5200, title: 'Волонтёры Октябрьского' };
  const NEW = -1005200;
  await h.person(COORDINATOR_ID, 'Координатор', OLD).ask('/bind Октябрьский');
  // The old group's last message, as Telegram sends it (https://core.telegram.org/bots/api#message).
  h.emulator.pushUpdate(BOT_TOKEN, {
    message: {
      message_id: 90,
      date: Math.floor(Date.now() / 1000),
      chat: { id: OLD.id, type: 'group', title: OLD.title },
      from: COORDINATOR,
      migrate_to_chat_id: NEW,
    },
  });
  await eventually(
    async () => (await bindings()).some((b) => b.district === 'Октябрьский' && b.chatId === String(NEW)),
    undefined,
    () => 'the binding of Октябрьский at the supergroup',
  );
  // The supergroup's first message names the old id too; the binding is where it should be already.
  h.emulator.pushUpdate(BOT_TOKEN, {
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: NEW, type: 'supergroup', title: OLD.title },
      from: COORDINATOR,
      migrate_from_chat_id: OLD.id,
    },
  });
  const sentToOldBefore = h.emulator.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(OLD.id)).length;
  const numbers = await fileSome('Октябрьский', 2, 7200);
  await postedOnceEach(NEW, numbers);
  expect(h.emulator.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(OLD.id))).toHaveLength(sentToOldBefore);
  expect((await bindings()).filter((b) => b.district === 'Октябрьский')).toEqual([expect.objectContaining({ chatId: String(NEW) })]);
});

it('sends a district to the HQ chat when the bot is removed from its group, and back once the group is bound again', async () => {
  const GROUP = { id: -1005300, title: 'Волонтёры Центрального' };
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Центральный');
  const [waiting] = await fileSome('Центральный', 1, 7300);
  await postedOnceEach(GROUP.id, [waiting!]);

  // The bot removed by an admin (https://core.telegram.org/bots/api#chatmemberupdated).
  h.emulator.pushUpdate(BOT_TOKEN, {
    my_chat_member: {
      chat: { id: GROUP.id, type: 'supergroup', title: GROUP.title },
      from: COORDINATOR,
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: BOT, status: 'member' },
      new_chat_member: { user: BOT, status: 'kicked', until_date: 0 },
    },
  });
  const note = await h.emulator.waitFor(
    () => lostNotes('Центральный')[0],
    undefined,
    () => 'the HQ chat told that Центральный lost its group',
  );
  expect(note.message.text).toContain(`«${GROUP.title}»`);
  expect(note.message.text).toContain('бота удалили из чата');
  expect(note.message.text).toContain('/bind Центральный');
  // The request that waited in the group waits in the HQ chat now, with its button.
  await postedOnceEach(HQ_CHAT_ID, [waiting!]);
  expect(
    postsIn(HQ_CHAT_ID, waiting!)[0]!
      .message.reply_markup?.inline_keyboard?.flat()
      .map((b) => b.text),
  ).toEqual(['✋ Взять заявку']);
  expect((await bindings()).find((b) => b.district === 'Центральный')).toMatchObject({ broken: { reason: 'removed' } });

  // New requests of the district go to the HQ chat meanwhile.
  const [meanwhile] = await fileSome('Центральный', 1, 7310);
  await postedOnceEach(HQ_CHAT_ID, [meanwhile!]);
  expect(postsIn(GROUP.id, meanwhile!)).toHaveLength(0);

  // Added back and bound again: the district's requests go to its group again.
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Центральный');
  const [after] = await fileSome('Центральный', 1, 7320);
  await postedOnceEach(GROUP.id, [after!]);
  expect(postsIn(HQ_CHAT_ID, after!)).toHaveLength(0);
  expect(postsIn(GROUP.id, waiting!)).toHaveLength(1);
  expect(lostNotes('Центральный')).toHaveLength(1);
  expect((await bindings()).find((b) => b.district === 'Центральный')).not.toHaveProperty('broken');
});

it('finds a removed bot by the refusal of a burst of posts: each reaches the HQ chat once, the HQ is told once', async () => {
  // Ленинский is bound to its supergroup since the first test.
  const GROUP = -1005100;
  let holding = true;
  let kicked = false;
  h.emulator.fail('sendMessage', (p) => holding && String(p.chat_id) === String(GROUP), SLOW_DOWN);
  h.emulator.fail('*', (p) => kicked && String(p.chat_id) === String(GROUP), KICKED);
  const numbers = await fileSome('Ленинский', 3, 7400);
  kicked = true;
  holding = false;

  await postedOnceEach(HQ_CHAT_ID, numbers);
  for (const n of numbers) expect(postsIn(GROUP, n)).toHaveLength(0);
  await eventually(
    async () => lostNotes('Ленинский').length > 0,
    undefined,
    () => 'the HQ chat told that Ленинский lost its group',
  );
  expect(lostNotes('Ленинский')).toHaveLength(1);
  expect(undeliveredNotes()).toEqual([]);
  expect((await bindings()).find((b) => b.district === 'Ленинский')).toMatchObject({ broken: { reason: 'removed' } });
});

it('does not bind a group where the bot may not write, and tells the coordinator why in private', async () => {
  const GROUP = { id: -1005400, title: 'Только чтение' };
  const boundHere = async () => (await bindings()).some((b) => b.chatId === String(GROUP.id));
  const coordinator = h.person(COORDINATOR_ID, 'Координатор');
  // Members may not write there, and the bot is only a member (https://core.telegram.org/bots/api#chatpermissions).
  h.emulator.stub('getChat', { id: GROUP.id, type: 'supergroup', title: GROUP.title, permissions: { can_send_messages: false } });
  coordinator.skipAll();
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).say('/bind Октябрьский');
  const why = await coordinator.reply();
  expect(why.message.text).toContain('Не могу подключить этот чат к району «Октябрьский»: мне нельзя писать в нём сообщения');
  expect(await boundHere()).toBe(false);

  // Restricted by an admin, the same.
  h.emulator.stub('getChatMember', { status: 'restricted', user: BOT, can_send_messages: false, is_member: true, until_date: 0 });
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).say('/bind Октябрьский');
  expect((await coordinator.reply()).message.text).toContain('мне нельзя писать');
  expect(await boundHere()).toBe(false);

  // Made an admin: bound, and the answer is in the group.
  h.emulator.stub('getChatMember', { status: 'administrator', user: BOT, can_be_edited: false, is_anonymous: false, can_manage_chat: true });
  const done = await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Октябрьский');
  expect(done.message.text).toContain('Готово');
  expect(await boundHere()).toBe(true);
  h.emulator.stub('getChatMember', { status: 'member', user: BOT });
  h.emulator.stub('getChat', { id: -1, type: 'supergroup', title: 'Group', permissions: { can_send_messages: true } });
});
