import { beforeEach, describe, expect, it } from 'vitest';
import type { HelpRequest, PersonRef } from '../../src/domain/request.js';
import type { Outbox, PeopleRepository, RequestRepository } from '../../src/services/ports.js';
import type { RetentionStore } from '../../src/services/retention.js';
import { FakeOutbox, FakePeopleRepository, FakeRequestRepository, FakeRetentionStore, makeDraft } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { actorOf, allowed, minute, present, requester, volunteer } from './fixtures.js';

/** The erasure part of the retention store (what has a fake), with the repositories it erases from. */
interface RetentionSubject {
  retention: Pick<RetentionStore, 'erase' | 'forgetPerson'>;
  requests: RequestRepository;
  people: PeopleRepository;
  outbox: Outbox;
  /** A requester's rating with a comment, written outside these ports. */
  rate(number: number, by: PersonRef, rating: number, comment: string, at: Date): Promise<void>;
}

/** What erasure relies on from RetentionStore's erase and forgetPerson, stated once for every implementation. */
function describeRetentionStoreContract(name: string, makeSubject: () => Promise<RetentionSubject>) {
  describe(`RetentionStore contract (erase, forgetPerson): ${name}`, () => {
    let subject: RetentionSubject;
    beforeEach(async () => {
      subject = await makeSubject();
    });

    const alice = requester(1);
    const filed = () => subject.requests.create({ draft: makeDraft(), channel: 'telegram', requester: alice, at: minute(0) });

    /** Filed, released with a reason, taken again, done with a comment and rated with a comment. */
    async function doneWithWords(): Promise<HelpRequest> {
      const { requests } = subject;
      const request = await filed();
      const first = present(await requests.claim(request.number, volunteer(1), minute(1)));
      const released = present(
        await requests.applyTransition(request.number, allowed(first, { type: 'release', reason: 'заболел' }, actorOf(volunteer(1)), minute(2))),
      );
      present(await requests.claim(released.number, volunteer(2), minute(3)));
      const second = present(await requests.findByNumber(request.number));
      present(
        await requests.applyTransition(request.number, allowed(second, { type: 'complete', comment: 'купили на Садовой' }, actorOf(volunteer(2)), minute(4))),
      );
      await subject.rate(request.number, alice, 5, 'Спасибо Ивану', minute(5));
      return present(await requests.findByNumber(request.number));
    }

    it('erases the personal data, free texts and requester ids of a closed request, keeping what statistics count', async () => {
      const before = await doneWithWords();
      expect(await subject.retention.erase([before.number], minute(10))).toEqual([before.number]);
      const erased = present(await subject.requests.findByNumber(before.number));
      const { requester: _ids, age: _age, ...kept } = before;
      expect(erased).toEqual({
        ...kept,
        personal: { name: '', address: '', phone: '', description: '' },
        extra: {},
        ageBand: before.ageBand,
        feedback: { rating: 5, at: minute(5) },
        personalErasedAt: minute(10),
        history: [
          // The requester's own event keeps only a note that it was theirs.
          { type: 'created', at: minute(0), channel: 'telegram', note: 'by_requester' },
          ...before.history.slice(1).map(({ comment: _said, ...event }) => event),
        ],
      });
    });

    it('erases the applicant’s name and phone of a request filed for someone else, keeping the relation for statistics', async () => {
      const draft = makeDraft({
        personal: { ...makeDraft().personal, applicant: { name: 'Ольга Сидорова', phone: '+79137654321' } },
        onBehalf: { relation: 'child', callFirst: 'applicant' },
      });
      const request = await subject.requests.create({ draft, channel: 'telegram', requester: alice, at: minute(0) });
      expect(present(await subject.requests.findByNumber(request.number)).personal.applicant).toEqual({ name: 'Ольга Сидорова', phone: '+79137654321' });
      const cancelled = present(
        await subject.requests.applyTransition(request.number, allowed(request, { type: 'cancel', reason: 'не нужно' }, actorOf(alice), minute(1))),
      );
      expect(await subject.retention.erase([cancelled.number], minute(10))).toEqual([cancelled.number]);
      const erased = present(await subject.requests.findByNumber(request.number));
      expect(erased.personal).toEqual({ name: '', address: '', phone: '', description: '' });
      expect(erased.onBehalf).toEqual({ relation: 'child', callFirst: 'applicant' });
    });

    it("keeps a withdrawal's own note, without the requester's ids or reason", async () => {
      const request = await filed();
      present(
        await subject.requests.applyTransition(request.number, allowed(request, { type: 'cancel', reason: 'справились сами' }, actorOf(alice), minute(1))),
      );
      await subject.retention.erase([request.number], minute(10));
      expect(present(await subject.requests.findByNumber(request.number)).history.at(-1)).toEqual({
        type: 'cancelled',
        at: minute(1),
        channel: 'telegram',
        note: 'by_requester',
      });
    });

    it('erases only closed requests not erased yet, and answers which it erased', async () => {
      const open = await filed();
      const claimed = present(await subject.requests.claim((await filed()).number, volunteer(1), minute(1)));
      const done = await doneWithWords();
      expect((await subject.retention.erase([open.number, claimed.number, done.number, 999], minute(10))).sort((a, b) => a - b)).toEqual([done.number]);
      expect(present(await subject.requests.findByNumber(open.number))).toEqual(open);
      expect(present(await subject.requests.findByNumber(claimed.number))).toEqual(claimed);
      expect(await subject.retention.erase([done.number], minute(20))).toEqual([]);
      expect(present(await subject.requests.findByNumber(done.number)).personalErasedAt).toEqual(minute(10));
      expect(await subject.retention.erase([], minute(20))).toEqual([]);
    });

    it('forgets the delivered messages about an erased request at once and still sends the waiting ones', async () => {
      const done = await doneWithWords();
      const other = await filed();
      const { outbox } = subject;
      const about = (requestNumber: number, chatId: string) => ({
        kind: 'text' as const,
        platform: 'telegram' as const,
        chatId,
        text: 'новость',
        requestNumber,
      });
      await outbox.enqueue(
        [
          { key: 'sent', message: about(done.number, '1'), notBefore: minute(0) },
          { key: 'failed', message: about(done.number, '2'), notBefore: minute(1) },
          { key: 'other', message: about(other.number, '3'), notBefore: minute(2) },
          { key: 'waiting', message: about(done.number, '4'), notBefore: minute(100) },
          { key: 'chart', message: { kind: 'chart', platform: 'telegram', chatId: '-5', caption: 'отчёт', columns: [[1]] }, notBefore: minute(3) },
        ],
        minute(0),
      );
      for (const settle of ['sent', 'failed', 'other', 'chart']) {
        const entry = present(await outbox.lease('w', minute(5), 60_000, []));
        expect(entry.key).toBe(settle);
        if (settle === 'failed') await outbox.markFailed(entry.key, 'w', 'blocked', minute(5));
        else await outbox.markSent(entry.key, 'w', minute(5));
      }
      await subject.retention.erase([done.number], minute(10));
      expect(await outbox.counts()).toEqual({ pending: 1, failed: 0, sent: 2 });
      expect(present(await outbox.lease('w', minute(100), 60_000, [])).key).toBe('waiting');
    });

    it('forgets one person of the people registry', async () => {
      const bob = { platform: 'telegram' as const, userId: '2' };
      await subject.people.record({ person: alice, username: 'alice', privately: true, at: minute(1) });
      await subject.people.record({ person: bob, privately: true, at: minute(1) });
      await subject.retention.forgetPerson(alice);
      expect(await subject.people.find(alice)).toBeNull();
      expect(await subject.people.findByUsername('telegram', 'alice')).toBeNull();
      expect(await subject.people.find(bob)).not.toBeNull();
      await expect(subject.retention.forgetPerson({ platform: 'vk', userId: '404' })).resolves.toBeUndefined();
    });
  });
}

describeRetentionStoreContract('in-memory fake', async () => {
  const requests = new FakeRequestRepository();
  const people = new FakePeopleRepository();
  const outbox = new FakeOutbox();
  return {
    retention: new FakeRetentionStore(requests, people, outbox),
    requests,
    people,
    outbox,
    rate: async (number, _by, rating, comment, at) => requests.setFeedback(number, { rating, comment, at }),
  };
});

const database = useContractDatabase();
describeRetentionStoreContract('MongoDB', async () => {
  const { repositories } = await database.fresh();
  return {
    retention: repositories.retention,
    requests: repositories.requests,
    people: repositories.people,
    outbox: repositories.outbox,
    rate: async (number, by, rating, comment, at) => {
      present(await repositories.feedback.rate(number, by, rating, at), 'rating');
      expect(await repositories.feedback.addComment(number, by, comment)).toBe(true);
    },
  };
});
