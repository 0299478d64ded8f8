import type { Types } from 'mongoose';
import type { Context } from '../context';
import { requestNotification } from '../notifications/notification.service';
import { User } from '../users/user.model';
import type { CaseState } from './case.states';

/**
 * Tells the filer about a status change when the filer is a special supervisor (they follow
 * their items by email). `occurrence` makes the key unique per change, so a retried job mails once.
 */
export async function announceStatus(
  ctx: Pick<Context, 'queues' | 'logger'>,
  c: { _id: Types.ObjectId; filedBy?: Types.ObjectId | null },
  status: CaseState,
  occurrence: number | string,
): Promise<void> {
  if (!c.filedBy) return;
  const filer = await User.findById(c.filedBy, { role: 1 }).lean();
  if (filer?.role !== 'supervisor') return;
  await requestNotification(ctx, {
    key: `status:${String(c._id)}:${status}:${occurrence}`,
    kind: 'status-changed',
    caseId: c._id,
    data: { status },
  });
}
