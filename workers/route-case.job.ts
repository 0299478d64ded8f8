import { routeCaseJob } from '../src/queues';
import { routeCase } from '../src/routing/routing.service';
import type { JobHandler } from './job';

export const routeCaseHandler: JobHandler<{ caseId: string }> = {
  definition: routeCaseJob,
  handle: (ctx, { caseId }) => routeCase(ctx, caseId),
};
