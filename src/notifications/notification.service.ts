import { getSystemErrorName } from 'node:util';
import type { Types } from 'mongoose';
import { tryEnqueue, type Context } from '../context';
import { sendNotificationJob } from '../queues';
import { Notification } from './notification.model';
import type { Mailer } from './mailer';
import { renderNotification } from './templates';

export interface NotificationRequest {
  key: string;
  kind: string;
  caseId?: Types.ObjectId | null;
  unitId?: Types.ObjectId | null;
  data?: Record<string, string | number> | null;
}

/**
 * Records that an email is owed and queues its delivery. Recording first (upsert on a
 * deterministic key) makes a repeated call a no-op and lets the reconciler finish the job if
 * Redis is down now.
 */
export async function requestNotification(ctx: Pick<Context, 'queues' | 'logger'>, req: NotificationRequest): Promise<void> {
  const doc = await Notification.findOneAndUpdate(
    { key: req.key },
    { $setOnInsert: { key: req.key, kind: req.kind, caseId: req.caseId ?? null, unitId: req.unitId ?? null, data: req.data ?? null } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  if (!doc || doc.status === 'sent' || doc.queued) return;
  await queueDelivery(ctx, String(doc._id));
}

export async function queueDelivery(ctx: Pick<Context, 'queues' | 'logger'>, notificationId: string): Promise<boolean> {
  const queued = await tryEnqueue(ctx, sendNotificationJob, { notificationId });
  if (queued) await Notification.updateOne({ _id: notificationId }, { $set: { queued: true } });
  return queued;
}

/**
 * Sends one notification. Throws on SMTP failure so BullMQ retries with backoff; the error is
 * kept on the record so staff can see it on the case.
 */
export async function deliverNotification(
  ctx: Pick<Context, 'logger' | 'clock' | 'config'> & { mailer: Mailer },
  notificationId: string,
): Promise<'sent' | 'already_sent' | 'missing' | 'no_recipient'> {
  const doc = await Notification.findById(notificationId).lean();
  if (!doc) return 'missing';
  if (doc.status === 'sent') return 'already_sent';

  const mail = await renderNotification(doc, { baseUrl: ctx.config.BASE_URL });
  if (!mail || mail.to.length === 0) {
    await Notification.updateOne({ _id: doc._id }, { $set: { status: 'failed', lastError: 'no_recipient' } });
    ctx.logger.warn({ notificationId, kind: doc.kind }, 'notification.no_recipient');
    return 'no_recipient';
  }
  try {
    await ctx.mailer.send(mail);
  } catch (err) {
    const reason = smtpFailure(err);
    await Notification.updateOne({ _id: doc._id }, { $set: { lastError: reason }, $inc: { attempts: 1 } });
    // Rethrown without the original text: SMTP errors quote recipients' addresses, and this
    // message ends up in logs and in BullMQ's failedReason.
    throw new Error(`send failed: ${reason}`);
  }
  await Notification.updateOne(
    { _id: doc._id, status: { $ne: 'sent' } },
    { $set: { status: 'sent', sentAt: ctx.clock.now(), lastError: null }, $inc: { attempts: 1 } },
  );
  ctx.logger.info({ notificationId, kind: doc.kind }, 'notification.sent');
  return 'sent';
}

/** What went wrong sending, without the server's text (which names the recipients). */
export function smtpFailure(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; command?: string; syscall?: string; errno?: number };
  const parts = [e.code ?? 'ERROR'];
  if (e.responseCode) parts.push(`SMTP ${e.responseCode}`);
  if (e.command) parts.push(e.command);
  if (e.syscall && typeof e.errno === 'number' && e.errno < 0) parts.push(`${e.syscall} ${getSystemErrorName(e.errno)}`);
  return parts.join(' ');
}
