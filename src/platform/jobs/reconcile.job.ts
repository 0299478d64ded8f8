import { z } from 'zod';
import { defineJob, type AnyJob } from './define-job';
import { tryEnqueue } from './enqueue';
import type { Context } from '../../context';

const BATCH = 100;

/**
 * Queues the work that could not be queued when it arose (Redis was down): every registered job
 * that declares how to find its pending work. Job ids are deterministic, so queueing something
 * twice is harmless. Stops at the first refusal (Redis down again) and tries at the next run.
 */
export async function reconcile(ctx: Pick<Context, 'queues' | 'logger' | 'clock'>, jobs: readonly AnyJob[]): Promise<Record<string, number>> {
  const requeued: Record<string, number> = {};
  for (const job of jobs) {
    if (!job.pending) continue;
    let n = 0;
    for (const payload of await job.pending.find(BATCH, ctx)) {
      if (!(await tryEnqueue(ctx, job, payload))) break;
      await job.pending.queued?.(payload);
      n++;
    }
    if (n) requeued[job.name] = n;
  }
  if (Object.keys(requeued).length) ctx.logger.info({ requeued }, 'reconcile.requeued');
  return requeued;
}

export const reconcileJob = defineJob<Record<string, never>>({
  name: 'reconcile',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'reconcile',
  handle: (ctx) => reconcile(ctx, ctx.registry.jobs),
  schedule: (config) => ({ every: config.RECONCILE_EVERY_SECONDS * 1000 }),
});
