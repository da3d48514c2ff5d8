import { afterAll, beforeAll, expect, it } from 'vitest';
import { COORDINATOR_ID, SystemHarness, VK_COORDINATOR_ID } from '../support/harness.js';

// /console in both bots: a link for coordinators and operators only, only in a private chat, sent
// so that the messenger does not open it first; the link signs in once at the system's HTTP server.

const GROUP = { id: -1008008, title: 'Волонтёры' };
let h: SystemHarness;

beforeAll(async () => {
  h = await SystemHarness.start({ OPERATOR_VK_IDS: '9901' }, { vk: true });
});
afterAll(async () => {
  await h?.stop();
});

const linkIn = (text: string) => /(http:\/\/\S+\/console\/login\?token=[\w-]+)/.exec(text)?.[1];

async function signIn(url: string): Promise<Response> {
  const token = new URL(url).searchParams.get('token')!;
  return fetch(new URL('/console/login', url), { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
}

it('gives a Telegram coordinator a one-time link in a private chat, without a preview', async () => {
  const reply = await h.person(COORDINATOR_ID, 'Координатор').ask('/console');
  const url = linkIn(reply.message.text);
  expect(url, reply.message.text).toBeDefined();
  expect(url!.startsWith(h.system!.httpUrl)).toBe(true);
  expect(reply.message.text).toMatch(/действует 10 минут/);
  const sent = h.emulator.callsOf('sendMessage').find((c) => String((c.payload as { text?: string }).text).includes(url!));
  expect(sent?.payload).toMatchObject({ link_preview_options: { is_disabled: true } });

  const first = await signIn(url!);
  expect(first.status).toBe(303);
  expect(first.headers.get('set-cookie')).toMatch(/^hq-console=.*HttpOnly.*SameSite=Strict/i);
  expect((await signIn(url!)).status).toBe(400);
});

it('refuses people without a role, and links in group chats', async () => {
  expect((await h.person(4242, 'Прохожий').ask('/console')).message.text).toBe('Консоль штаба доступна координаторам и операторам.');
  const inGroup = await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/console');
  expect(inGroup.message.text).toMatch(/только в личном чате/);
  expect(linkIn(inGroup.message.text)).toBeUndefined();
});

it('gives VK coordinators and operators a link too, with VK told not to fetch it', async () => {
  const operator = h.vkPerson(9901, 'Оксана');
  const reply = await operator.ask('/console');
  const url = linkIn(reply.text);
  expect(url, reply.text).toBeDefined();
  const send = h.vk.callsOf('messages.send').find((c) => String(c.params.message).includes(url!));
  expect(String(send?.params.dont_parse_links)).toBe('1');
  expect((await signIn(url!)).status).toBe(303);

  expect(linkIn((await h.vkPerson(VK_COORDINATOR_ID, 'Вера').ask('/console')).text)).toBeDefined();
  expect((await h.vkPerson(9902, 'Прохожий').ask('/console')).text).toBe('Консоль штаба доступна координаторам и операторам.');
});

it('ends the console sessions of a coordinator whose role /revoke takes back: a second /grant does not bring them back', async () => {
  const boss = h.person(COORDINATOR_ID, 'Координатор');
  const anna = h.person(6611, 'Анна');
  await anna.ask('/start');
  expect((await boss.ask('/grant 6611')).message.text).toMatch(/теперь координатор/);
  // She is told of the role first, through the outbox.
  expect((await anna.reply()).message.text).toMatch(/^Вам дали роль координатора/);
  const first = await signIn(linkIn((await anna.ask('/console')).message.text)!);
  const cookie = String(first.headers.get('set-cookie')).split(';')[0]!;
  const page = (c: string) => fetch(new URL('/console/requests', h.system!.httpUrl), { headers: { cookie: c }, redirect: 'manual' });
  expect((await page(cookie)).status).toBe(200);

  expect((await boss.ask('/revoke 6611')).message.text).toMatch(/больше не координатор/);
  expect((await boss.ask('/grant 6611')).message.text).toMatch(/теперь координатор/);
  const after = await page(cookie);
  expect(after.status).toBe(303);
  expect(after.headers.get('location')).toBe('/console/login');
});
