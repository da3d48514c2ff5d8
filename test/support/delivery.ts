import { quietHoursRule, type QuietHoursRule } from '../../src/domain/quiet-hours.js';
import { createChatBindings } from '../../src/services/chat-bindings.js';
import { createOutboxWorker } from '../../src/services/outbox-worker.js';
import type { ChatRef, DistrictChatRepository, Logger, Messengers, RequestRepository, VolunteerRoster } from '../../src/services/ports.js';
import { createVettingTexts } from '../../src/messages/vetting-texts.js';
import { createRequestEffects } from '../../src/services/request-effects.js';
import { createTaskDetails } from '../../src/services/task-details.js';
import { FakeAccessLog, FakeOutbox, FakeVolunteerRoster, freePacing } from './fakes.js';
import type { Catalog } from '../../src/scenario/text.js';
import type { RequestTexts } from '../../src/services/texts.js';
import { drawReportChart } from '../../src/messages/report-chart.js';

/**
 * The outbox path of the services, in memory: effects enqueue into a FakeOutbox and `drain()` runs
 * the real worker until nothing is due, so a test sees what the messengers were asked to do.
 */
export function createTestDelivery(deps: {
  requests: RequestRepository;
  districtChats: DistrictChatRepository;
  messengers: Messengers;
  headquartersChats: readonly ChatRef[];
  texts: RequestTexts;
  catalog: Catalog;
  logger: Logger;
  now: () => Date;
  /** Never quiet unless a test says otherwise. */
  quietHours?: QuietHoursRule;
  /** The roster applications to volunteer are read from; an empty one unless a test gives its own. */
  volunteers?: VolunteerRoster;
}) {
  const volunteers = deps.volunteers ?? new FakeVolunteerRoster();
  const outbox = new FakeOutbox();
  const accessLog = new FakeAccessLog();
  const details = createTaskDetails({ ...deps, accessLog, outbox });
  const effects = createRequestEffects({ ...deps, outbox, now: () => new Date() });
  const bindings = createChatBindings({ ...deps, effects, outbox });
  const unlimited = { telegram: 0, vk: 0, max: 0 };
  const worker = createOutboxWorker({
    ...deps,
    volunteers,
    vettingTexts: createVettingTexts(deps.catalog, undefined, deps.texts),
    drawReportChart,
    bindings,
    outbox,
    details,
    accessLog,
    pacing: freePacing,
    // The sweep (for crashes) is tested on its own; here it would pick up every request a test made.
    effects: { ...effects, sweep: async () => 0 },
    limits: { groupIntervalMs: unlimited, privateIntervalMs: unlimited, perSecond: { telegram: 1e6, vk: 1e6, max: 1e6 } },
    quietHours: deps.quietHours ?? quietHoursRule(null, 'UTC'),
    workerId: 'test-worker',
    concurrency: 1,
    idleMs: 1,
    // Test clocks step on every call; wall time for leases and backoff is what the worker needs here.
    now: () => new Date(),
  });
  return {
    outbox,
    effects,
    /** Task cards and contacts as the services send them, recorded in `accessLog`. */
    details,
    accessLog,
    afterChange: (request: Parameters<typeof effects.enqueueFor>[0]) => effects.enqueueFor(request),
    /** Delivers everything due now; messages retried later stay in the outbox. */
    async drain(): Promise<void> {
      worker.start();
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        const due = [...outbox.records.values()].some((r) => r.status === 'sending' || (r.status === 'pending' && r.notBefore <= new Date()));
        if (!due) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await worker.stop();
    },
  };
}
