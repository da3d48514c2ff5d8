import { beforeEach, describe, expect, it } from 'vitest';
import type { DistrictChat, DistrictChatRepository } from '../../src/services/ports.js';
import { FakeDistrictChatRepository } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute } from './fixtures.js';

const coordinator = { platform: 'telegram' as const, userId: 'c1' };

/** What district binding and the effects rely on from DistrictChatRepository, stated once for every implementation. */
function describeDistrictChatRepositoryContract(name: string, makeRepo: () => Promise<DistrictChatRepository>) {
  describe(`DistrictChatRepository contract: ${name}`, () => {
    let chats: DistrictChatRepository;
    beforeEach(async () => {
      chats = await makeRepo();
    });

    const chat = (platform: DistrictChat['platform'], chatId: string, district: string): DistrictChat => ({ platform, chatId, district });
    const byChat = (list: DistrictChat[]) => [...list].sort((a, b) => `${a.platform}:${a.chatId}`.localeCompare(`${b.platform}:${b.chatId}`));

    it('binds a chat to one district at a time and says which it served before', async () => {
      expect(await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(1))).toEqual({ previousDistrict: null });
      expect(await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(2))).toEqual({ previousDistrict: 'Ленинский' });
      expect(await chats.bind(chat('telegram', '-100', 'Кировский'), coordinator, minute(3))).toEqual({ previousDistrict: 'Ленинский' });
      expect(await chats.listAll()).toEqual([chat('telegram', '-100', 'Кировский')]);
      expect(await chats.chatsOf('Ленинский')).toEqual([]);
    });

    it("lists a district's chats, in any order, telling platforms apart", async () => {
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(1));
      await chats.bind(chat('vk', '-100', 'Ленинский'), coordinator, minute(2));
      await chats.bind(chat('telegram', '-200', 'Кировский'), coordinator, minute(3));
      expect(byChat(await chats.chatsOf('Ленинский'))).toEqual([chat('telegram', '-100', 'Ленинский'), chat('vk', '-100', 'Ленинский')]);
      expect(await chats.chatsOf('Советский')).toEqual([]);
    });

    it("keeps a chat's title, replaced by a new one and kept by a binding without one", async () => {
      await chats.bind({ ...chat('telegram', '-100', 'Ленинский'), title: 'Волонтёры' }, coordinator, minute(1));
      await chats.bind(chat('vk', '-100', 'Ленинский'), coordinator, minute(2));
      expect(byChat(await chats.chatsOf('Ленинский'))).toEqual([
        { ...chat('telegram', '-100', 'Ленинский'), title: 'Волонтёры' },
        chat('vk', '-100', 'Ленинский'),
      ]);
      await chats.bind(chat('telegram', '-100', 'Кировский'), coordinator, minute(3));
      expect(await chats.chatsOf('Кировский')).toEqual([{ ...chat('telegram', '-100', 'Кировский'), title: 'Волонтёры' }]);
      await chats.bind({ ...chat('telegram', '-100', 'Кировский'), title: 'Кировские волонтёры' }, coordinator, minute(4));
      expect(await chats.listAll()).toEqual([{ ...chat('telegram', '-100', 'Кировский'), title: 'Кировские волонтёры' }, chat('vk', '-100', 'Ленинский')]);
    });

    it('unbinds a chat and says which district it served; null when it served none', async () => {
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(1));
      expect(await chats.unbind('vk', '-100')).toBeNull();
      expect(await chats.unbind('telegram', '-100')).toBe('Ленинский');
      expect(await chats.unbind('telegram', '-100')).toBeNull();
      expect(await chats.listAll()).toEqual([]);
    });

    it("moves a binding to the chat's new id once, keeping its district and title; the second report finds it moved", async () => {
      await chats.bind({ ...chat('telegram', '-100', 'Ленинский'), title: 'Волонтёры' }, coordinator, minute(1));
      expect(await chats.move('telegram', '-100', '-1001')).toEqual({ ...chat('telegram', '-1001', 'Ленинский'), title: 'Волонтёры' });
      expect(await chats.move('telegram', '-100', '-1001')).toBeNull();
      expect(await chats.move('vk', '-1001', '-5')).toBeNull();
      expect(await chats.listAll()).toEqual([{ ...chat('telegram', '-1001', 'Ленинский'), title: 'Волонтёры' }]);
    });

    it('drops the old id when the new one is bound already (a coordinator bound the supergroup first)', async () => {
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(1));
      await chats.bind(chat('telegram', '-1001', 'Кировский'), coordinator, minute(2));
      expect(await chats.move('telegram', '-100', '-1001')).toBeNull();
      expect(await chats.listAll()).toEqual([chat('telegram', '-1001', 'Кировский')]);
    });

    it('marks a binding broken once, keeps it listed with the reason, and mends it when the chat is bound again', async () => {
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(1));
      expect(await chats.markBroken('telegram', '-100', 'removed from the group', minute(2))).toEqual({
        ...chat('telegram', '-100', 'Ленинский'),
        broken: { at: minute(2), reason: 'removed from the group' },
      });
      expect(await chats.markBroken('telegram', '-100', 'again', minute(3))).toBeNull();
      expect(await chats.markBroken('vk', '-100', 'not bound', minute(3))).toBeNull();
      expect(await chats.chatsOf('Ленинский')).toEqual([
        { ...chat('telegram', '-100', 'Ленинский'), broken: { at: minute(2), reason: 'removed from the group' } },
      ]);
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(4));
      expect(await chats.listAll()).toEqual([chat('telegram', '-100', 'Ленинский')]);
    });

    it('keeps the latest post of a chat, whatever order the notes come in', async () => {
      await chats.bind(chat('vk', '2000000001', 'Ленинский'), coordinator, minute(1));
      await chats.notePost('vk', '2000000001', minute(5));
      await chats.notePost('vk', '2000000001', minute(3));
      await chats.notePost('telegram', '-404', minute(6));
      expect(await chats.listAll()).toEqual([{ ...chat('vk', '2000000001', 'Ленинский'), lastPostAt: minute(5) }]);
    });

    it('lists every binding by district, then platform, then chat', async () => {
      await chats.bind(chat('vk', '2000000002', 'Ленинский'), coordinator, minute(1));
      await chats.bind(chat('telegram', '-300', 'Ленинский'), coordinator, minute(2));
      await chats.bind(chat('telegram', '-200', 'Кировский'), coordinator, minute(3));
      await chats.bind(chat('telegram', '-100', 'Ленинский'), coordinator, minute(4));
      expect(await chats.listAll()).toEqual([
        chat('telegram', '-200', 'Кировский'),
        chat('telegram', '-100', 'Ленинский'),
        chat('telegram', '-300', 'Ленинский'),
        chat('vk', '2000000002', 'Ленинский'),
      ]);
    });
  });
}

describeDistrictChatRepositoryContract('in-memory fake', async () => new FakeDistrictChatRepository());

const database = useContractDatabase();
describeDistrictChatRepositoryContract('MongoDB', async () => (await database.fresh()).repositories.districtChats);
