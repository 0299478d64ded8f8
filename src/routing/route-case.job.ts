import { z } from 'zod';
import { findUnroutedCases } from '../cases/case.service';
import { markCase, markRoutingLost } from '../cases/case.store';
import { defineJob } from '../platform/jobs/define-job';
import { REQUEUE_AFTER_MS } from '../platform/jobs/enqueue';
import { routeCase } from './routing.service';

/** Routes a new case by the administrator's rules (job `route-<caseId>`, once per case). */
export const routeCaseJob = defineJob<{ caseId: string }>({
  name: 'route-case',
  queue: 'routing',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/) }),
  jobId: (p) => `route-${p.caseId}`,
  handle: (ctx, { caseId }) => routeCase(ctx, caseId),
  // Given up (e.g. the database was down through every retry): the reconciler queues it again.
  onGiveUp: async (_ctx, { caseId }) => {
    await markCase(caseId, { routingQueued: false }, { status: 'submitted' });
  },
  pending: {
    find: async (limit, ctx) => (await findUnroutedCases(limit, new Date(ctx.clock.now().getTime() - REQUEUE_AFTER_MS))).map((id) => ({ caseId: id })),
    queued: async ({ caseId }) => {
      await markCase(caseId, { routingQueued: true });
    },
    lost: markRoutingLost,
  },
});
