import { beforeEach, describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/domain/request.js';
import type { AccessLog, AccessRecord } from '../../src/services/ports.js';
import { FakeAccessLog } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute } from './fixtures.js';

const ann: PersonRef = { platform: 'telegram', userId: '11' };
const vika: PersonRef = { platform: 'vk', userId: '11' };

/** What task details and the outbox rely on from AccessLog, stated once for every implementation. */
function describeAccessLogContract(name: string, makeLog: () => Promise<AccessLog>) {
  describe(`AccessLog contract: ${name}`, () => {
    let log: AccessLog;
    beforeEach(async () => {
      log = await makeLog();
    });
    const card = (requestNumber: number, at: Date, viewer = ann): Omit<AccessRecord, 'id'> => ({
      requestNumber,
      viewer,
      channel: viewer.platform,
      kind: 'task_card',
      at,
      message: { chatId: viewer.userId, messageId: String(at.getTime()), form: 'text', sentAt: at },
    });

    it('keeps a record as given, with an id, and lists the records of a request oldest first', async () => {
      const later = await log.record(card(1, minute(5)));
      const earlier = await log.record({ requestNumber: 1, viewer: vika, channel: 'vk', kind: 'contact', at: minute(2) });
      await log.record(card(2, minute(1)));
      expect(later).toEqual({ id: expect.any(String), ...card(1, minute(5)) });
      expect(earlier).toEqual({ id: expect.any(String), requestNumber: 1, viewer: vika, channel: 'vk', kind: 'contact', at: minute(2) });
      expect(await log.listForRequest(1)).toEqual([earlier, later]);
      expect(await log.listForRequest(3)).toEqual([]);
    });

    it('lists the messages still showing a request to one viewer, and forgets one once it is withdrawn', async () => {
      const first = await log.record(card(1, minute(1)));
      const second = await log.record({
        ...card(1, minute(2)),
        kind: 'contact',
        message: { chatId: '11', messageId: '9', form: 'contact_card', sentAt: minute(2) },
      });
      await log.record(card(1, minute(3), vika)); // same id, another platform: another person
      await log.record(card(2, minute(4))); // another request
      await log.record({ requestNumber: 1, viewer: ann, channel: 'telegram', kind: 'task_card', at: minute(5) }); // no message kept
      expect((await log.listShowing(1, ann)).map((r) => r.id)).toEqual([first.id, second.id]);

      expect(await log.markWithdrawn(first.id, minute(10))).toBe(true);
      expect(await log.markWithdrawn(first.id, minute(11))).toBe(false);
      expect((await log.listShowing(1, ann)).map((r) => r.id)).toEqual([second.id]);
      expect((await log.listForRequest(1)).find((r) => r.id === first.id)?.withdrawnAt).toEqual(minute(10));
      expect(await log.markWithdrawn('no-such-id', minute(12))).toBe(false);
    });
  });
}

const database = useContractDatabase();
describeAccessLogContract('in-memory fake', async () => new FakeAccessLog());
describeAccessLogContract('MongoDB', async () => (await database.fresh()).repositories.accessLog);
