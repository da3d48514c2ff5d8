import { expect, it } from 'vitest';
import { createFloodGuard } from '../../src/services/flood-guard.js';

function clock(start = 1_000_000) {
  let at = start;
  return {
    now: () => at,
    move: (ms: number) => {
      at += ms;
    },
  };
}

it('lets a person write at a human pace, however long they go on', () => {
  const c = clock();
  const guard = createFloodGuard({ messages: 5, windowMs: 10_000, pauseMs: 30_000 }, c.now);
  for (let i = 0; i < 100; i++) {
    expect(guard.check('telegram:1')).toBe('pass');
    c.move(2_500);
  }
});

it('warns once when a chat goes over the limit, ignores it for the pause, then lets it go on', () => {
  const c = clock();
  const guard = createFloodGuard({ messages: 5, windowMs: 10_000, pauseMs: 30_000 }, c.now);
  const verdicts = Array.from({ length: 60 }, () => guard.check('telegram:1'));
  expect(verdicts.slice(0, 5)).toEqual(Array(5).fill('pass'));
  expect(verdicts[5]).toBe('warn');
  expect(verdicts.slice(6)).toEqual(Array(54).fill('ignore'));
  c.move(29_999);
  expect(guard.check('telegram:1')).toBe('ignore');
  c.move(1);
  expect(guard.check('telegram:1')).toBe('pass');
});

it('counts each chat on its own', () => {
  const c = clock();
  const guard = createFloodGuard({ messages: 2, windowMs: 10_000, pauseMs: 30_000 }, c.now);
  expect([guard.check('a'), guard.check('a'), guard.check('a')]).toEqual(['pass', 'pass', 'warn']);
  expect([guard.check('b'), guard.check('b')]).toEqual(['pass', 'pass']);
});

it('forgets chats that went quiet, so memory stays the size of the active chats', () => {
  const c = clock();
  const guard = createFloodGuard({ messages: 2, windowMs: 1_000, pauseMs: 1_000 }, c.now);
  for (let i = 0; i < 999; i++) guard.check(`chat${i}`);
  expect(guard.tracked).toBe(999);
  c.move(5_000);
  guard.check('late');
  expect(guard.tracked).toBe(1);
});
