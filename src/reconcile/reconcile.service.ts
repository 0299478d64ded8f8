import type { Context } from '../context';
import { tryEnqueue } from '../context';
import { Case } from '../cases/case.model';
import { Notification } from '../notifications/notification.model';
import { queueDelivery } from '../notifications/notification.service';
import { routeCaseJob } from '../queues';

const BATCH = 100;

/**
 * Queues the work that could not be queued when it arose (Redis was down). Finds it through
 * indexes in batches; job ids are deterministic, so queueing something twice is harmless.
 */
export async function reconcile(ctx: Pick<Context, 'queues' | 'logger'>): Promise<{ cases: number; notifications: number }> {
  let cases = 0;
  const unrouted = await Case.find({ routingQueued: false, status: 'submitted' }, { _id: 1 }).limit(BATCH).lean();
  for (const c of unrouted) {
    if (!(await tryEnqueue(ctx, routeCaseJob, { caseId: String(c._id) }))) break;
    await Case.updateOne({ _id: c._id }, { $set: { routingQueued: true } });
    cases++;
  }

  let notifications = 0;
  const unsent = await Notification.find({ queued: false, status: 'pending' }, { _id: 1 }).limit(BATCH).lean();
  for (const n of unsent) {
    if (!(await queueDelivery(ctx, String(n._id)))) break;
    notifications++;
  }
  if (cases || notifications) ctx.logger.info({ cases, notifications }, 'reconcile.requeued');
  return { cases, notifications };
}
