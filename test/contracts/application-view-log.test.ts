import { beforeEach, describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/domain/request.js';
import type { ApplicationViewLog } from '../../src/services/ports.js';
import { FakeApplicationViewLog } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute } from './fixtures.js';

const boss: PersonRef = { platform: 'telegram', userId: '900' };
const vkBoss: PersonRef = { platform: 'vk', userId: '900' };

/** What the vetting service relies on from ApplicationViewLog, stated once for every implementation. */
function describeApplicationViewLogContract(name: string, makeLog: () => Promise<ApplicationViewLog>) {
  describe(`ApplicationViewLog contract: ${name}`, () => {
    let log: ApplicationViewLog;
    beforeEach(async () => {
      log = await makeLog();
    });

    it("keeps views as given and lists an application's oldest first", async () => {
      await log.recordAll([
        { volunteerNumber: 1, viewer: boss, channel: 'web', at: minute(5) },
        { volunteerNumber: 2, viewer: boss, channel: 'web', at: minute(5) },
      ]);
      await log.recordAll([{ volunteerNumber: 1, viewer: vkBoss, channel: 'vk', at: minute(2) }]);
      await log.recordAll([]);
      expect(await log.listFor(1)).toEqual([
        { volunteerNumber: 1, viewer: vkBoss, channel: 'vk', at: minute(2) },
        { volunteerNumber: 1, viewer: boss, channel: 'web', at: minute(5) },
      ]);
      expect(await log.listFor(3)).toEqual([]);
    });
  });
}

const database = useContractDatabase();
describeApplicationViewLogContract('in-memory fake', async () => new FakeApplicationViewLog());
describeApplicationViewLogContract('MongoDB', async () => (await database.fresh()).repositories.applicationViews);
