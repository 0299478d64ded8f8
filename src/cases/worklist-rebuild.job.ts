import { z } from 'zod';
import { defineJob } from '../platform/jobs/define-job';
import { purgeEnded, rebuildWorklist } from './worklist';

/** Since when final cases keep their worklist row (the inbox's "closed" tab). */
export function keepSince(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

/**
 * Rebuilds the worklist from the cases, and drops the rows of cases final for longer than
 * WORKLIST_KEEP_DAYS. Nightly (a repair in case a row was lost: its change's listener failed and
 * the case was then purged from the reconciler's sight, a restore, an old backup) and on demand
 * after a restore. Scans the cases once; no list ever does.
 */
export const worklistRebuildJob = defineJob<Record<string, never>>({
  name: 'worklist-rebuild',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'worklist-rebuild',
  schedule: () => ({ pattern: '40 3 * * *' }),
  handle: async (ctx) => {
    const since = keepSince(ctx.clock.now(), ctx.config.WORKLIST_KEEP_DAYS);
    const purged = await purgeEnded(since);
    const rebuilt = await rebuildWorklist(since);
    ctx.logger.info({ ...rebuilt, purged }, 'worklist.rebuilt');
    return { ...rebuilt, purged };
  },
});
