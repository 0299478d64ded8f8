import { routeCaseJob } from '../src/queues';
import { routeCase } from '../src/routing/routing.service';
import { Case } from '../src/cases/case.model';
import type { JobHandler } from './job';

export const routeCaseHandler: JobHandler<{ caseId: string }> = {
  definition: routeCaseJob,
  handle: (ctx, { caseId }) => routeCase(ctx, caseId),
  onGiveUp: async (_ctx, { caseId }) => {
    await Case.updateOne({ _id: caseId, status: 'submitted' }, { $set: { routingQueued: false } });
  },
};
