import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COORDINATOR_ID, SystemHarness } from '../support/harness.js';
import type { MaxPerson } from '../support/max-person.js';
import { fileMaxRequest } from '../support/max-person.js';

// A volunteers' chat in MAX lost under the running bot: the bot removed (MAX says so with
// bot_removed), or MAX refusing its posts there (403). The HQ chats hear of it once, the district's
// requests go to them until a coordinator binds the chat again.
const HQ_MAX = -70000000099;
const LENINSKY = -70000000031;
const OKTYABRSKY = -70000000032;
const READ_ONLY = -70000000033;
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', '765', 'Хлеб, молоко'];
/** Long enough for the outbox on a loaded CI machine; a wait fails naming what did not arrive. */
const OUTBOX_WAIT_MS = 30_000;

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({ HQ_MAX_CHAT_ID: String(HQ_MAX) }, { max: true });
  h.max.addChat({ chatId: HQ_MAX, title: 'Штаб' });
  h.max.addChat({ chatId: LENINSKY, title: 'Волонтёры Ленинского' });
  h.max.addChat({ chatId: OKTYABRSKY, title: 'Волонтёры Октябрьского' });
  expect((await coordinatorIn(LENINSKY).ask('/bind Ленинский')).text).toMatch(/получает заявки района «Ленинский»/);
  expect((await coordinatorIn(OKTYABRSKY).ask('/bind Октябрьский')).text).toMatch(/получает заявки района «Октябрьский»/);
});
afterAll(async () => {
  await h?.stop();
});

const coordinatorIn = (chatId: number): MaxPerson => h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', chatId);
const isPostOf = (text: string, number: number) => text.includes(`Заявка №${number}\nРайон:`);
const postsOf = (chatId: number, number: number) => h.max.messagesToChat(chatId).filter((m) => isPostOf(m.text, number));
const lostNotes = (district: string) =>
  h.max.messagesToChat(HQ_MAX).filter((m) => m.text.startsWith('⚠️ Бот больше не может писать в чат волонтёров') && m.text.includes(`района «${district}»`));
const undeliveredNotes = () => h.max.messagesToChat(HQ_MAX).filter((m) => m.text.startsWith('⚠️ Не удалось доставить'));
/** Sends and edits the bot made in a chat. */
const writesTo = (chatId: number) => h.max.calls.filter((c) => c.path === '/messages' && c.method !== 'GET' && c.query.chat_id === String(chatId));

function waitForPost(chatId: number, number: number) {
  return h.max.waitFor(
    () => postsOf(chatId, number)[0],
    OUTBOX_WAIT_MS,
    () => `the post of request №${number} in MAX chat ${chatId} (it has ${h.max.messagesToChat(chatId).length} messages)`,
  );
}

describe('a MAX group chat lost under the bot', () => {
  it('the bot removed from a bound chat: the HQ is told once, the waiting request and new ones go there, until /bind again', async () => {
    const waiting = await fileMaxRequest(h.maxPerson(6301, 'Ирина'), 'Ленинский');
    await waitForPost(LENINSKY, waiting);

    h.max.removeBot(LENINSKY, MAX_COORDINATOR_ID);
    const [note] = await h.max.waitFor(
      () => lostNotes('Ленинский').length > 0 && lostNotes('Ленинский'),
      OUTBOX_WAIT_MS,
      'the HQ note that the Ленинский chat is lost',
    );
    expect(note!.text).toMatch(/^⚠️ Бот больше не может писать в чат волонтёров «Волонтёры Ленинского» района «Ленинский»: бота удалили из чата\./);
    expect(note!.text).toContain('/bind Ленинский');
    for (const personal of [...PERSONAL, 'Ирина']) expect(note!.text).not.toContain(personal);
    const [binding] = await h.database.db.repositories.districtChats.chatsOf('Ленинский');
    expect(binding).toMatchObject({ chatId: String(LENINSKY), broken: { reason: 'removed' } });
    const writesAfterRemoval = writesTo(LENINSKY).length;

    // The request waiting there is posted again in the HQ chat, with its button.
    const reposted = await waitForPost(HQ_MAX, waiting);
    expect(reposted.text).toContain('⚠️ Для района «Ленинский» не подключён чат волонтёров.');
    expect(reposted.keyboard?.flat().map((b) => b.text)).toEqual(['✋ Взять заявку']);
    const next = await fileMaxRequest(h.maxPerson(6302, 'Пётр'), 'Ленинский');
    await waitForPost(HQ_MAX, next);
    expect(writesTo(LENINSKY).slice(writesAfterRemoval)).toEqual([]);

    // Added back and bound again: the district's requests go to the chat once more.
    h.max.addBot(LENINSKY, MAX_COORDINATOR_ID);
    expect((await coordinatorIn(LENINSKY).ask('/bind Ленинский')).text).toMatch(/получает заявки района «Ленинский»/);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([expect.not.objectContaining({ broken: expect.anything() })]);
    const after = await fileMaxRequest(h.maxPerson(6303, 'Алла'), 'Ленинский');
    await waitForPost(LENINSKY, after);
    expect(lostNotes('Ленинский')).toHaveLength(1);
  }, 90_000);

  it('posts refused with 403 mid-burst: each request reaches the HQ chat once, with one note and no «undelivered»', async () => {
    h.max.refuseWritesTo(OKTYABRSKY);
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) numbers.push(await fileMaxRequest(h.maxPerson(6400 + i, `Заявитель${i}`), 'Октябрьский'));
    for (const number of numbers) await waitForPost(HQ_MAX, number);
    await h.max.waitFor(() => lostNotes('Октябрьский')[0], OUTBOX_WAIT_MS, 'the HQ note that the Октябрьский chat is lost');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lostNotes('Октябрьский')).toHaveLength(1);
    for (const number of numbers) expect(postsOf(HQ_MAX, number)).toHaveLength(1);
    expect(undeliveredNotes()).toEqual([]);
    const [binding] = await h.database.db.repositories.districtChats.chatsOf('Октябрьский');
    expect(binding).toMatchObject({ broken: { reason: 'removed' } });
  }, 90_000);

  it('refuses /bind where the bot is an admin without the right to write, and says why privately', async () => {
    h.max.addChat({ chatId: READ_ONLY, title: 'Только чтение', botIsAdmin: true, botPermissions: ['read_all_messages', 'pin_message'] });
    const privately = h.maxPerson(MAX_COORDINATOR_ID, 'Координатор');
    privately.skipAll();
    const inGroup = coordinatorIn(READ_ONLY);
    inGroup.say('/bind Центральный');
    expect((await privately.reply()).text).toMatch(/^Не могу подключить этот чат к району «Центральный»/);
    expect(inGroup.messages()).toEqual([]);
    expect(await h.database.db.repositories.districtChats.chatsOf('Центральный')).toEqual([]);

    h.max.setBotRights(READ_ONLY, { admin: true });
    expect((await inGroup.ask('/bind Центральный')).text).toMatch(/получает заявки района «Центральный»/);
  });
});
