import { expect, it } from 'vitest';
import { createPeopleRegistry, SIGHTING_REFRESH_MS } from '../../src/services/people-registry.js';
import { FakePeopleRepository } from '../support/fakes.js';

const anna = { platform: 'telegram' as const, userId: '501' };

function setup() {
  const people = new FakePeopleRepository();
  let writes = 0;
  const record = people.record.bind(people);
  people.record = async (s) => {
    writes++;
    return record(s);
  };
  let t = Date.parse('2025-03-01T09:00:00Z');
  const registry = createPeopleRegistry({ people, now: () => new Date(t) });
  return { people, registry, writes: () => writes, advance: (ms: number) => (t += ms) };
}

it('writes a busy person once per refresh interval while nothing changes', async () => {
  const { registry, writes, advance, people } = setup();
  for (let i = 0; i < 20; i++) {
    await registry.seen({ person: anna, username: 'anna', displayName: 'Анна (@anna)', privately: true });
    advance(1000);
  }
  expect(writes()).toBe(1);
  advance(SIGHTING_REFRESH_MS);
  await registry.seen({ person: anna, username: 'anna', displayName: 'Анна (@anna)', privately: true });
  expect(writes()).toBe(2);
  expect((await people.find(anna))?.lastSeenAt.getTime()).toBeGreaterThan(Date.parse('2025-03-01T09:10:00Z'));
});

it('writes at once when the username or name changes, or when someone first writes privately', async () => {
  const { registry, writes, people } = setup();
  await registry.seen({ person: anna, username: 'anna', displayName: 'Анна', privately: false });
  await registry.seen({ person: anna, username: 'anna', displayName: 'Анна', privately: true });
  expect(writes()).toBe(2);
  expect((await people.find(anna))?.privateChatAt).toBeDefined();
  // A group press after a private message changes nothing worth a write.
  await registry.seen({ person: anna, username: 'anna', displayName: 'Анна', privately: false });
  expect(writes()).toBe(2);
  await registry.seen({ person: anna, username: 'anna_k', displayName: 'Анна', privately: false });
  expect(writes()).toBe(3);
  expect(await people.findByUsername('telegram', 'anna_k')).toMatchObject(anna);
});

it('tells whether a public name is on record, so VK fetches one only once', async () => {
  const { registry } = setup();
  const vkPerson = { platform: 'vk' as const, userId: '9' };
  expect(await registry.seen({ person: vkPerson, privately: true })).toEqual({ hasName: false });
  expect(await registry.seen({ person: vkPerson, privately: true, displayName: 'Ольга Т.' })).toEqual({ hasName: true });
  expect(await registry.seen({ person: vkPerson, privately: true })).toEqual({ hasName: true });
});

it('keeps the last public name it recorded, also one only the stored entry had, for a claim to use without asking VK again', async () => {
  const { registry, people, advance } = setup();
  const vkPerson = { platform: 'vk' as const, userId: '9' };
  expect(registry.knownName(vkPerson)).toBeUndefined();
  await registry.seen({ person: vkPerson, privately: true, displayName: 'Ольга Т.' });
  expect(registry.knownName(vkPerson)).toBe('Ольга Т.');
  // Another process (or a restart) finds the name in the stored entry.
  const fresh = createPeopleRegistry({ people, now: () => new Date() });
  advance(1);
  await fresh.seen({ person: vkPerson, privately: false });
  expect(fresh.knownName(vkPerson)).toBe('Ольга Т.');
});
