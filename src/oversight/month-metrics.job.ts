import { z } from 'zod';
import { countyDate } from '../clock';
import { defineJob } from '../platform/jobs/define-job';
import { monthSnapshots } from './month-metrics.service';
import { addMonths, monthOf } from './periods';

/**
 * Keeps the month snapshots of the unit metrics current: this month and the two before (whose
 * ratings may still come in) are recomputed until frozen; older months are computed once.
 */
export const monthMetricsJob = defineJob<Record<string, never>>({
  name: 'oversight-month-metrics',
  queue: 'maintenance',
  payload: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  jobId: () => 'oversight-month-metrics',
  handle: async (ctx) => {
    const current = monthOf(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
    const months = [addMonths(current, -2), addMonths(current, -1), current];
    await monthSnapshots(ctx, months, { refresh: true });
    return { months };
  },
  schedule: (config) => ({ every: config.OVERSIGHT_METRICS_EVERY_SECONDS * 1000 }),
});
