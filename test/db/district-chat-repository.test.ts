import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { DistrictChatRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
let chats: DistrictChatRepository;

beforeAll(async () => {
  t = await startTestDatabase();
  chats = t.db.repositories.districtChats;
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  await t.db.connection.collection('district_chats').deleteMany({});
});

const coordinator = { platform: 'telegram' as const, userId: '42' };
const AT = new Date('2025-03-01T09:00:00Z');

it('binds a new chat with no previous district', async () => {
  const result = await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT);
  expect(result).toEqual({ previousDistrict: null });
  expect(await chats.chatsOf('Ленинский')).toEqual([{ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }]);

  // Who bound it and when is kept for the coordinators' audit.
  const raw = await t.db.connection.collection('district_chats').findOne({ chatId: '-100500' });
  expect(raw).toMatchObject({ boundBy: coordinator, boundAt: AT });
});

it('moves a rebound chat to the new district, keeping one document per chat', async () => {
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT);
  const result = await chats.bind({ district: 'Центральный', platform: 'telegram', chatId: '-100500' }, coordinator, AT);

  expect(result).toEqual({ previousDistrict: 'Ленинский' });
  expect(await chats.chatsOf('Ленинский')).toEqual([]);
  expect(await chats.chatsOf('Центральный')).toEqual([{ district: 'Центральный', platform: 'telegram', chatId: '-100500' }]);
  // The unique index is not enforced by the in-process server: the upsert alone must keep one document.
  expect(await t.db.connection.collection('district_chats').countDocuments({ chatId: '-100500' })).toBe(1);
});

it('reports the same district as previous when a chat is bound to it again', async () => {
  // The service turns "same district" into "no change"; the repository reports what was there.
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT);
  expect(await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT)).toEqual({
    previousDistrict: 'Ленинский',
  });
  expect(await t.db.connection.collection('district_chats').countDocuments()).toBe(1);
});

it('keeps concurrent binds of one chat to one document', async () => {
  const districts = ['Ленинский', 'Центральный', 'Октябрьский', 'Заельцовский'];
  await Promise.all(districts.map((district) => chats.bind({ district, platform: 'telegram', chatId: '-7' }, coordinator, AT)));
  expect(await t.db.connection.collection('district_chats').countDocuments({ chatId: '-7' })).toBe(1);
});

it('serves one district from a Telegram group and a VK conversation at once', async () => {
  await chats.bind({ district: 'Октябрьский', platform: 'telegram', chatId: '-100777' }, coordinator, AT);
  await chats.bind({ district: 'Октябрьский', platform: 'vk', chatId: '2000000003' }, { platform: 'vk', userId: '9' }, AT);
  await chats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000004' }, { platform: 'vk', userId: '9' }, AT);

  const served = await chats.chatsOf('Октябрьский');
  expect(served.sort((a, b) => a.platform.localeCompare(b.platform))).toEqual([
    { district: 'Октябрьский', platform: 'telegram', chatId: '-100777' },
    { district: 'Октябрьский', platform: 'vk', chatId: '2000000003' },
  ]);
});

it('tells chats apart by platform when ids coincide', async () => {
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '123' }, coordinator, AT);
  const result = await chats.bind({ district: 'Центральный', platform: 'vk', chatId: '123' }, coordinator, AT);
  expect(result.previousDistrict).toBeNull();
  expect(await chats.chatsOf('Ленинский')).toHaveLength(1);
  expect(await chats.chatsOf('Центральный')).toHaveLength(1);
});

it('unbinds a chat: returns its district once, then null', async () => {
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT);
  await chats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000001' }, coordinator, AT);

  expect(await chats.unbind('telegram', '-100500')).toBe('Ленинский');
  expect(await chats.unbind('telegram', '-100500')).toBeNull();
  // The other chat of the district stays.
  expect(await chats.chatsOf('Ленинский')).toEqual([{ district: 'Ленинский', platform: 'vk', chatId: '2000000001' }]);
});

it('returns null when unbinding a chat that was never bound', async () => {
  expect(await chats.unbind('vk', 'never')).toBeNull();
});

it('returns no chats for a district nobody serves', async () => {
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-1' }, coordinator, AT);
  expect(await chats.chatsOf('Заельцовский')).toEqual([]);
});

it('lists every binding by district, for /districts', async () => {
  await chats.bind({ district: 'Октябрьский', platform: 'vk', chatId: '2000000003' }, coordinator, AT);
  await chats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100500' }, coordinator, AT);
  await chats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000001' }, coordinator, AT);
  expect(await chats.listAll()).toEqual([
    { district: 'Ленинский', platform: 'telegram', chatId: '-100500' },
    { district: 'Ленинский', platform: 'vk', chatId: '2000000001' },
    { district: 'Октябрьский', platform: 'vk', chatId: '2000000003' },
  ]);
});
