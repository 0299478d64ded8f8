import { z } from 'zod';
import { defineJob } from '../platform/jobs/define-job';
import { rebuildCounters } from './counters.service';

/**
 * Recomputes the dashboard's counters from the cases (recovery; see counters.service.ts). Nightly,
 * when nobody changes cases; an administrator may also run it from the queue dashboard.
 */
export const rebuildCountersJob = defineJob<Record<string, never>>({
  name: 'oversight-rebuild-counters',
  queue: 'maintenance',
  payload: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  jobId: () => 'oversight-rebuild-counters',
  handle: async (ctx) => rebuildCounters(ctx),
  schedule: () => ({ pattern: '30 3 * * *' }),
});
