import { issueNoticeJob } from '../src/queues';
import { issueNotice } from '../src/routing/notice.service';
import type { JobHandler } from './job';

export const issueNoticeHandler: JobHandler<{ caseId: string; assignmentNo: number }> = {
  definition: issueNoticeJob,
  // The handler re-reads the case: if it was re-assigned since, it issues the current notice.
  handle: (ctx, { caseId }) => issueNotice(ctx, caseId),
  // The case still says noticePending: removing the failed job is enough for the reconciler.
  onGiveUp: async () => undefined,
};
