import { z } from 'zod';
import { defineJob } from '../platform/jobs/define-job';
import { refreshDerived } from './case.lifecycle';
import { findStaleDerived } from './case.service';

/** How long a change may go without its listeners having run before the reconciler steps in. */
const GRACE_MS = 60_000;

/**
 * Runs the lifecycle listeners again for a case whose derived records (the escalation watch list)
 * were not refreshed after a change (the listener failed, the process died). Found by the
 * reconciler through the mark every change leaves until its listeners have run.
 */
export const refreshDerivedJob = defineJob<{ caseId: string; since: number }>({
  name: 'refresh-derived',
  queue: 'maintenance',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/), since: z.number().int() }),
  jobId: (p) => `derived-${p.caseId}-${p.since}`,
  handle: async (ctx, { caseId }) => ({ refreshed: await refreshDerived(ctx, caseId) }),
  pending: {
    find: async (limit, ctx) => findStaleDerived(new Date(ctx.clock.now().getTime() - GRACE_MS), limit),
  },
});
