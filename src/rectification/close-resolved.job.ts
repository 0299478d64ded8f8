import { z } from 'zod';
import { findResolvedPastWindow } from '../cases/case.service';
import { defineJob } from '../platform/jobs/define-job';
import { closeAfterWindow } from './followup.service';

const BATCH = 200;

/**
 * Scheduled: closes the resolved cases whose rating window is over (not a page view's side
 * effect). Finds them through the (status, ratingWindowEndsAt) index in batches; each close is
 * claimed on the expected state, so two workers sweeping at once close each case once.
 */
export const closeResolvedJob = defineJob<Record<string, never>>({
  name: 'close-resolved',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'close-resolved',
  schedule: (config) => ({ every: config.CLOSE_SWEEP_EVERY_SECONDS * 1000 }),
  handle: async (ctx) => {
    let closed = 0;
    for (;;) {
      const due = await findResolvedPastWindow(ctx.clock.now(), BATCH);
      let progressed = 0;
      for (const id of due) if ((await closeAfterWindow(ctx, id)) === 'closed') progressed++;
      closed += progressed;
      if (due.length < BATCH || progressed === 0) break;
    }
    if (closed) ctx.logger.info({ closed }, 'rectification.closed_after_window');
    return { closed };
  },
});
