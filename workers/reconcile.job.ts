import { reconcileJob } from '../src/queues';
import { reconcile } from '../src/reconcile/reconcile.service';
import type { JobHandler } from './job';

export const reconcileHandler: JobHandler<Record<string, never>> = {
  definition: reconcileJob,
  handle: (ctx) => reconcile(ctx),
};
