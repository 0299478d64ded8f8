import { z } from 'zod';
import type { Context } from '../context';
import { defineJob } from '../platform/jobs/define-job';
import { refreshSnapshot } from './refresh.service';

interface RefreshPayload {
  /** Set on a refresh asked for by hand (ms): its own job id, so a click after a finished refresh runs again. */
  at?: number;
}

/**
 * Scheduled (TRANSPARENCY_REFRESH_EVERY_SECONDS, default every 10 minutes) and on demand (the
 * commission's button, a changed publishable mark): rebuilds the public page's figures and the
 * open-data files into the snapshot, so no public request ever reads the cases.
 */
export const transparencyRefreshJob = defineJob<RefreshPayload>({
  name: 'transparency-refresh',
  queue: 'maintenance',
  payload: z.object({ at: z.number().int().positive().optional() }).strict(),
  jobId: (p) => (p.at ? `transparency-refresh-${p.at}` : 'transparency-refresh'),
  schedule: (config) => ({ every: config.TRANSPARENCY_REFRESH_EVERY_SECONDS * 1000 }),
  handle: async (ctx) => refreshSnapshot(ctx),
});

/**
 * Queues a refresh now, as its own job: a request made after an earlier refresh started (or
 * finished) must see its change published, so it never folds into that job. Answers the job id,
 * or null when Redis could not take it (the schedule refreshes anyway within its period).
 */
export async function requestRefresh(ctx: Pick<Context, 'queues' | 'logger'>): Promise<string | null> {
  const payload = { at: Date.now() };
  try {
    await ctx.queues.enqueue(transparencyRefreshJob, payload);
    return transparencyRefreshJob.jobId(payload);
  } catch (err) {
    ctx.logger.warn({ job: transparencyRefreshJob.name, err: (err as Error).message }, 'job.enqueue_failed');
    return null;
  }
}
