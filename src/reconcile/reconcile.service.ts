import type { Context } from '../context';
import { tryEnqueue } from '../context';
import { Case } from '../cases/case.model';
import { Notification } from '../notifications/notification.model';
import { queueDelivery } from '../notifications/notification.service';
import { issueNoticeJob, routeCaseJob } from '../queues';

const BATCH = 100;

/**
 * Queues the work that could not be queued when it arose (Redis was down). Finds it through
 * indexes in batches; job ids are deterministic, so queueing something twice is harmless.
 */
export async function reconcile(ctx: Pick<Context, 'queues' | 'logger'>): Promise<{ cases: number; notices: number; notifications: number }> {
  let cases = 0;
  const unrouted = await Case.find({ routingQueued: false, status: 'submitted' }, { _id: 1 }).limit(BATCH).lean();
  for (const c of unrouted) {
    if (!(await tryEnqueue(ctx, routeCaseJob, { caseId: String(c._id) }))) break;
    await Case.updateOne({ _id: c._id }, { $set: { routingQueued: true } });
    cases++;
  }

  // Assignments whose notice job was lost (Redis down when the commission assigned).
  let notices = 0;
  const unissued = await Case.find({ noticePending: true, status: 'assigned' }, { _id: 1, assignmentNo: 1 }).limit(BATCH).lean();
  for (const c of unissued) {
    if (!(await tryEnqueue(ctx, issueNoticeJob, { caseId: String(c._id), assignmentNo: c.assignmentNo }))) break;
    notices++;
  }

  let notifications = 0;
  const unsent = await Notification.find({ queued: false, status: 'pending' }, { _id: 1 }).limit(BATCH).lean();
  for (const n of unsent) {
    if (!(await queueDelivery(ctx, String(n._id)))) break;
    notifications++;
  }
  if (cases || notices || notifications) ctx.logger.info({ cases, notices, notifications }, 'reconcile.requeued');
  return { cases, notices, notifications };
}
