import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createDispatchRequest, type DispatchDeps } from '../../src/services/dispatch-request.js';
import type { Messengers } from '../../src/services/ports.js';
import {
  FakeDistrictChatRepository,
  FakeRequestRepository,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
  RecordingMessenger,
  steppingClock,
} from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

const draft = makeDraft({ district: 'Ленинский' });
const HQ = { platform: 'telegram' as const, chatId: '-100999' };
// The only fields a group may see; anything else on the view would be a leak waiting to happen.
const PUBLIC_KEYS = ['number', 'status', 'district', 'category', 'age', 'helpKind', 'createdAt', 'volunteerName'];

let requests: FakeRequestRepository;
let districtChats: FakeDistrictChatRepository;
let telegram: RecordingMessenger;
let vk: RecordingMessenger;
let logger: RecordingLogger;
let request: HelpRequest;

function dispatcher(overrides: Partial<DispatchDeps> = {}) {
  const messengers: Messengers = { telegram, vk };
  return createDispatchRequest({ requests, districtChats, messengers, headquartersChats: [HQ], logger, now: steppingClock(), ...overrides });
}

beforeEach(async () => {
  requests = new FakeRequestRepository();
  districtChats = new FakeDistrictChatRepository();
  telegram = new RecordingMessenger('telegram');
  vk = new RecordingMessenger('vk');
  logger = new RecordingLogger();
  request = await requests.create({ draft, channel: 'telegram', requester: { platform: 'telegram', userId: '1', chatId: '1' }, at: new Date('2025-03-01T09:00:00Z') });
  await districtChats.bind({ district: 'Центральный', platform: 'telegram', chatId: '-100111' });
});

afterEach(() => {
  expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
});

async function bindBoth() {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000002' });
}

it("posts to every chat of the district on both platforms and records the posts", async () => {
  await bindBoth();
  await dispatcher()(request);

  expect(telegram.posts().map((p) => [p.chatId, p.viaHeadquarters])).toEqual([['-100222', false]]);
  expect(vk.posts().map((p) => [p.chatId, p.viaHeadquarters])).toEqual([['2000000002', false]]);
  // Neither the other district's chat nor the HQ chat hears of it.
  expect(telegram.posts().some((p) => p.chatId === '-100111' || p.chatId === HQ.chatId)).toBe(false);

  const stored = await requests.findByNumber(request.number);
  expect(stored!.posts).toHaveLength(2);
  expect(stored!.posts).toEqual(
    expect.arrayContaining([
      { platform: 'telegram', chatId: '-100222', messageId: telegram.posts()[0]!.messageId, viaHeadquarters: false },
      { platform: 'vk', chatId: '2000000002', messageId: vk.posts()[0]!.messageId, viaHeadquarters: false },
    ]),
  );
  expect(stored!.history.filter((h) => h.type === 'posted').map((h) => h.note)).toEqual(['district', 'district']);
  expect(logger.at('error')).toEqual([]);
});

it('posts to the HQ chat, marked as such, when the district has no chat', async () => {
  await dispatcher()(request);

  expect(telegram.posts()).toHaveLength(1);
  expect(telegram.posts()[0]).toMatchObject({ chatId: HQ.chatId, viaHeadquarters: true });
  expect(vk.posts()).toEqual([]);
  const stored = await requests.findByNumber(request.number);
  expect(stored!.posts).toEqual([{ platform: 'telegram', chatId: HQ.chatId, messageId: telegram.posts()[0]!.messageId, viaHeadquarters: true }]);
  expect(stored!.history.at(-1)).toMatchObject({ type: 'posted', note: 'headquarters' });
});

it('logs an error and does not throw when there is neither a district chat nor an HQ chat', async () => {
  await expect(dispatcher({ headquartersChats: [] })(request)).resolves.toBeUndefined();

  expect(telegram.calls).toEqual([]);
  expect(vk.calls).toEqual([]);
  expect((await requests.findByNumber(request.number))!.posts).toEqual([]);
  expect(logger.at('error')).toEqual([expect.objectContaining({ obj: { request: request.number, district: 'Ленинский' } })]);
});

it('keeps posting to the other chats when one messenger fails', async () => {
  await bindBoth();
  telegram.failing.set('-100222', new Error('Forbidden: bot was kicked from the group chat'));
  await dispatcher()(request);

  expect(vk.posts()).toHaveLength(1);
  const stored = await requests.findByNumber(request.number);
  expect(stored!.posts.map((p) => p.platform)).toEqual(['vk']);
  expect(logger.at('error')).toEqual([
    expect.objectContaining({ obj: expect.objectContaining({ request: request.number, platform: 'telegram' }) }),
  ]);
});

it('keeps posting to the other chats when recording one post fails', async () => {
  await bindBoth();
  const addPost = requests.addPost.bind(requests);
  // A storage error that quotes a personal value must not carry it into the log.
  vi.spyOn(requests, 'addPost').mockImplementation(async (number, post, at) => {
    if (post.platform === 'telegram') {
      throw Object.assign(new Error(`Cast failed for value "${draft.personal.phone}"`), { name: 'CastError' });
    }
    return addPost(number, post, at);
  });
  await dispatcher()(request);

  expect((await requests.findByNumber(request.number))!.posts.map((p) => p.platform)).toEqual(['vk']);
  expect(logger.at('error')).toHaveLength(1);
});

it('skips, with a warning, a chat on a platform that is not running', async () => {
  await bindBoth();
  await dispatcher({ messengers: { telegram } })(request);

  expect(telegram.posts()).toHaveLength(1);
  expect((await requests.findByNumber(request.number))!.posts.map((p) => p.platform)).toEqual(['telegram']);
  expect(logger.at('warn')).toEqual([expect.objectContaining({ obj: { request: request.number, platform: 'vk' } })]);
});

it('shows volunteer groups nothing personal, in the view or in the rendered post', async () => {
  await bindBoth();
  await dispatcher()(request);
  const posted = [...telegram.posts(), ...vk.posts()];
  expect(posted).toHaveLength(2);

  for (const catalog of [catalogs.ru, catalogs.en]) {
    const texts = createRequestTexts(catalog, 'Europe/Moscow', helpScenario);
    for (const { view, viaHeadquarters } of posted) {
      for (const key of Object.keys(view)) expect(PUBLIC_KEYS).toContain(key);
      for (const key of ['personal', 'phone', 'address', 'name', 'description', 'requester', 'extra']) expect(view).not.toHaveProperty(key);
      expect(leakedPersonalStrings(JSON.stringify(view), draft)).toEqual([]);

      const text = texts.groupPost(view, viaHeadquarters);
      // The post does say what it is about, so the check above is not vacuous.
      expect(text).toContain(String(request.number));
      expect(text).toContain('Ленинский');
      expect(leakedPersonalStrings(text, draft)).toEqual([]);
    }
  }
});

it('renders the HQ post with the warning that the district has no chat', async () => {
  await dispatcher()(request);
  const [{ view, viaHeadquarters }] = telegram.posts() as [ReturnType<RecordingMessenger['posts']>[number]];
  const text = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario).groupPost(view, viaHeadquarters);
  expect(text).toContain(catalogs.ru.t('group.viaHeadquarters', { district: 'Ленинский' }));
  expect(leakedPersonalStrings(text, draft)).toEqual([]);
});

it('does not use the HQ chat when the district has a chat of its own', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000002' });
  await dispatcher()(request);
  expect(telegram.posts()).toEqual([]);
  expect(vk.posts()).toHaveLength(1);
});
