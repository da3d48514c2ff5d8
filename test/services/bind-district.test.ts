import { beforeEach, describe, expect, it } from 'vitest';
import { MissingRightsError, NotCoordinatorError, UnknownDistrictError } from '../../src/domain/errors.js';
import { createDistrictBinding } from '../../src/services/bind-district.js';
import { createIsCoordinator } from '../../src/services/coordinators.js';
import { FakeDistrictChatRepository, RecordingLogger, steppingClock } from '../support/fakes.js';
import { DISTRICTS } from '../support/scenario-fixtures.js';

const coordinator = { platform: 'telegram' as const, userId: '42' };
const vkCoordinator = { platform: 'vk' as const, userId: '9' };
const stranger = { platform: 'telegram' as const, userId: '13' };

let districtChats: FakeDistrictChatRepository;
let logger: RecordingLogger;
let binding: ReturnType<typeof createDistrictBinding>;

beforeEach(() => {
  districtChats = new FakeDistrictChatRepository();
  logger = new RecordingLogger();
  binding = createDistrictBinding({
    districtChats,
    districts: DISTRICTS,
    isCoordinator: createIsCoordinator({ telegram: ['42'], vk: ['9'] }),
    logger,
    now: steppingClock(),
  });
});

describe('bind', () => {
  it('does not bind a chat where the bot may not post, after the role and the district are checked', async () => {
    let asked = 0;
    const cannotSend = async () => {
      asked++;
      return ['send'] as const;
    };
    await expect(binding.bind(stranger, 'telegram', '-100500', 'лен', undefined, cannotSend)).rejects.toBeInstanceOf(NotCoordinatorError);
    await expect(binding.bind(coordinator, 'telegram', '-100500', 'нет такого', undefined, cannotSend)).rejects.toBeInstanceOf(UnknownDistrictError);
    expect(asked).toBe(0);
    const refusal = await binding.bind(coordinator, 'telegram', '-100500', 'лен', undefined, cannotSend).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(MissingRightsError);
    expect(refusal).toMatchObject({ district: 'Ленинский', missing: ['send'] });
    expect(districtChats.all()).toEqual([]);
    expect(await binding.bind(coordinator, 'telegram', '-100500', 'лен', undefined, async () => [])).toEqual({ district: 'Ленинский', previousDistrict: null });
  });

  it.each([
    ['Ленинский', 'Ленинский'],
    ['ленинский', 'Ленинский'],
    ['  ЛЕНИНСКИЙ ', 'Ленинский'],
    ['лен', 'Ленинский'],
    ['окт', 'Октябрьский'],
    ['ЗАЕЛЬЦ', 'Заельцовский'],
  ])('resolves "%s" to %s and binds the chat to it', async (input, district) => {
    expect(await binding.bind(coordinator, 'telegram', '-100500', input)).toEqual({ district, previousDistrict: null });
    expect(districtChats.all()).toEqual([{ district, platform: 'telegram', chatId: '-100500' }]);
  });

  it("keeps the chat's title for /districts, cut to a title's length, and keeps it when a later /bind brings none", async () => {
    await binding.bind(coordinator, 'telegram', '-100500', 'лен', '  Волонтёры Ленинского ');
    expect(districtChats.all()).toEqual([{ district: 'Ленинский', platform: 'telegram', chatId: '-100500', title: 'Волонтёры Ленинского' }]);
    await binding.bind(coordinator, 'telegram', '-100500', 'центр');
    expect(districtChats.all()[0]!.title).toBe('Волонтёры Ленинского');
    await binding.bind(coordinator, 'telegram', '-100500', 'центр', 'я'.repeat(300));
    expect(districtChats.all()[0]!.title).toHaveLength(128);
  });

  it('reports the district a rebound chat served before, and moves it', async () => {
    await binding.bind(coordinator, 'telegram', '-100500', 'лен');
    expect(await binding.bind(coordinator, 'telegram', '-100500', 'центр')).toEqual({ district: 'Центральный', previousDistrict: 'Ленинский' });
    expect(await districtChats.chatsOf('Ленинский')).toEqual([]);
    expect(await districtChats.chatsOf('Центральный')).toHaveLength(1);
  });

  it('reports no previous district when a chat is bound again to the same one', async () => {
    await binding.bind(coordinator, 'telegram', '-100500', 'лен');
    expect(await binding.bind(coordinator, 'telegram', '-100500', 'Ленинский')).toEqual({ district: 'Ленинский', previousDistrict: null });
  });

  it('lets a VK coordinator bind a VK conversation', async () => {
    expect(await binding.bind(vkCoordinator, 'vk', '2000000001', 'окт')).toEqual({ district: 'Октябрьский', previousDistrict: null });
    expect(await districtChats.chatsOf('Октябрьский')).toEqual([{ district: 'Октябрьский', platform: 'vk', chatId: '2000000001' }]);
  });

  it('refuses someone who is not a coordinator and stores nothing', async () => {
    await expect(binding.bind(stranger, 'telegram', '-100500', 'лен')).rejects.toBeInstanceOf(NotCoordinatorError);
    // A coordinator's id on the other platform is somebody else.
    await expect(binding.bind({ platform: 'vk', userId: '42' }, 'vk', '2000000001', 'лен')).rejects.toBeInstanceOf(NotCoordinatorError);
    expect(districtChats.all()).toEqual([]);
    expect(logger.entries).toEqual([]);
  });

  it('checks the coordinator before the district, so a stranger learns nothing about district names', async () => {
    await expect(binding.bind(stranger, 'telegram', '-100500', 'нет такого')).rejects.toBeInstanceOf(NotCoordinatorError);
  });

  it.each(['Кировский', 'ленинградский', '', '   '])('rejects the unknown district "%s" and stores nothing', async (input) => {
    const error = await binding.bind(coordinator, 'telegram', '-100500', input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownDistrictError);
    // The adapter lists the known districts in its reply.
    expect((error as UnknownDistrictError).known).toEqual(DISTRICTS);
    expect(districtChats.all()).toEqual([]);
  });
});

describe('unbind', () => {
  it('returns the district the chat served, then null', async () => {
    await binding.bind(coordinator, 'telegram', '-100500', 'лен');
    expect(await binding.unbind(coordinator, 'telegram', '-100500')).toBe('Ленинский');
    expect(await binding.unbind(coordinator, 'telegram', '-100500')).toBeNull();
    expect(districtChats.all()).toEqual([]);
  });

  it('refuses someone who is not a coordinator and keeps the binding', async () => {
    await binding.bind(coordinator, 'telegram', '-100500', 'лен');
    await expect(binding.unbind(stranger, 'telegram', '-100500')).rejects.toBeInstanceOf(NotCoordinatorError);
    expect(await districtChats.chatsOf('Ленинский')).toHaveLength(1);
  });
});
