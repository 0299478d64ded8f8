import { z } from 'zod';
import { findCasesAwaitingNotice } from '../cases/case.service';
import { defineJob } from '../platform/jobs/define-job';
import { issueNotice } from './notice.service';

/** Issues the numbered written notice of an assignment (job `notice-<caseId>-<assignmentNo>`). */
export const issueNoticeJob = defineJob<{ caseId: string; assignmentNo: number }>({
  name: 'issue-notice',
  queue: 'routing',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/), assignmentNo: z.number().int().min(1) }),
  jobId: (p) => `notice-${p.caseId}-${p.assignmentNo}`,
  // The handler re-reads the case: if it was re-assigned since, it issues the current notice.
  handle: (ctx, { caseId }) => issueNotice(ctx, caseId),
  // Nothing to mark: the case still says noticePending, which is what the reconciler looks for.
  pending: { find: findCasesAwaitingNotice },
});
