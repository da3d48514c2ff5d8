import { decide, type Actor, type Decision, type LifecycleAction, type Transition } from '../../src/domain/lifecycle.js';
import type { HelpRequest, PersonRef, Requester, Volunteer } from '../../src/domain/request.js';

// Every time in the contracts is written out: no contract reads the machine's clock.
const BASE = new Date('2025-03-01T09:00:00Z').getTime();
const MINUTE = 60_000;

/** The moment `minutes` after the contracts' fixed start. */
export function minute(minutes: number): Date {
  return new Date(BASE + minutes * MINUTE);
}

/** Before any write any repository could have made. */
export const LONG_AGO = new Date(0);
/** After any write, whatever clock a repository keeps its own times by. */
export const FAR_FUTURE = new Date('9999-01-01T00:00:00Z');

export function volunteer(i: number, platform: Volunteer['platform'] = 'telegram'): Volunteer {
  return { platform, userId: `v${i}`, displayName: `Волонтёр ${i}` };
}

export function requester(i: number, platform: Requester['platform'] = 'telegram'): Requester {
  return { platform, userId: `r${i}`, chatId: `r${i}` };
}

export const COORDINATOR: Actor = { person: { platform: 'telegram', userId: 'c1' }, channel: 'telegram', isCoordinator: true };

/** The actor a person is when they act on their own behalf. */
export function actorOf(person: PersonRef): Actor {
  return { person: { platform: person.platform, userId: person.userId }, channel: person.platform, isCoordinator: false };
}

/** The transition the lifecycle rules allow; a contract that asks for a refused one is itself wrong. */
export function allowed(request: HelpRequest, action: LifecycleAction, actor: Actor, at: Date): Transition {
  const decision: Decision = decide(request, action, actor, at);
  if (!decision.ok) throw new Error(`the rules refuse ${action.type}: ${decision.refusal}`);
  return decision.transition;
}

/** The request as stored, for contracts that built it a step earlier. */
export function present<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
