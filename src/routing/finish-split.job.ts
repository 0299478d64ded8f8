import { z } from 'zod';
import { findUnfinishedSplits } from '../cases/case.service';
import { defineJob } from '../platform/jobs/define-job';
import { finishSplit } from './split.service';

/** Finishes a split that stopped half way (found by the reconciler): every planned part once. */
export const finishSplitJob = defineJob<{ caseId: string }>({
  name: 'finish-split',
  queue: 'routing',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/) }),
  jobId: (p) => `split-${p.caseId}`,
  handle: (ctx, { caseId }) => finishSplit(ctx, caseId),
  pending: { find: async (limit) => (await findUnfinishedSplits(limit)).map((caseId) => ({ caseId })) },
});
