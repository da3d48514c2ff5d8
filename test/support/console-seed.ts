import type { Database } from '../../src/db/database.js';
import { decide } from '../../src/domain/lifecycle.js';
import { CATEGORIES, HELP_KINDS, type HelpRequest, type RequestStatus } from '../../src/domain/request.js';
import { makeDraft } from './fakes.js';

/**
 * Four weeks of requests stored straight through the repository, so the dashboard has something to
 * draw: a few a day across districts and kinds, the older ones mostly done (some rated), a few
 * cancelled, the recent ones waiting or in progress. Their messages are marked sent: none are posted.
 * `claimAfterMinutes` says how long the i-th request of a day waited for its volunteer.
 */
export async function seedFourWeeks(
  repositories: Database['repositories'],
  options: { now: Date; districts: readonly string[]; claimAfterMinutes?: (i: number) => number },
): Promise<void> {
  const { requests, feedback } = repositories;
  const volunteer = { platform: 'telegram' as const, userId: '5001', displayName: 'Волонтёр' };
  const claimAfter = options.claimAfterMinutes ?? ((i) => 20 + 15 * i);
  const day = 86_400_000;
  const now = options.now.getTime();
  for (let d = 27; d >= 1; d--) {
    const perDay = 2 + ((d * 7) % 5);
    for (let i = 0; i < perDay; i++) {
      const at = new Date(now - d * day + i * 3_600_000);
      const requester = { platform: 'telegram' as const, userId: `r${d}-${i}`, chatId: `r${d}-${i}` };
      let request: HelpRequest = await requests.create({
        draft: makeDraft({
          district: options.districts[(d + i) % options.districts.length]!,
          helpKind: HELP_KINDS[(d * 3 + i) % HELP_KINDS.length]!,
          category: CATEGORIES[i % 4]!,
        }),
        channel: i % 3 === 0 ? 'vk' : 'telegram',
        requester,
        at,
      });
      const fate: RequestStatus = d <= 2 ? (i % 2 ? 'claimed' : 'new') : i % 6 === 5 ? 'cancelled' : i % 5 === 4 && d < 6 ? 'claimed' : 'done';
      if (fate === 'claimed' || fate === 'done') request = (await requests.claim(request.number, volunteer, new Date(at.getTime() + claimAfter(i) * 60_000)))!;
      const finish = (action: Parameters<typeof decide>[1], by: typeof volunteer | typeof requester, minutes: number) => {
        const decision = decide(request, action, { person: by, channel: 'telegram', isCoordinator: false }, new Date(at.getTime() + minutes * 60_000));
        if (!decision.ok) throw new Error(decision.refusal);
        return requests.applyTransition(request.number, decision.transition);
      };
      if (fate === 'done') {
        request = (await finish({ type: 'complete' }, volunteer, 180 + 40 * i))!;
        if (i % 2 === 0) await feedback.rate(request.number, requester, 5 - (d % 3 === 0 ? 1 : 0), new Date(at.getTime() + 2 * day));
      }
      if (fate === 'cancelled') request = (await finish({ type: 'cancel' }, requester, 30))!;
      await requests.clearEffectsMark(request.number, request.history.length);
    }
  }
}
