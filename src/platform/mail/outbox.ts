import { getSystemErrorName } from 'node:util';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Context } from '../../context';
import { defineJob, type JobContext } from '../jobs/define-job';
import { REQUEUE_AFTER_MS, tryEnqueue } from '../jobs/enqueue';
import type { MailDefinition, MailKind, MailKinds } from './mail.kinds';
import { Notification } from './notification.model';

export interface MailRequest<K extends MailKind> {
  /** Deterministic per event (e.g. `notice:<noticeId>`): a repeated call finds the record and mails once. */
  key: string;
  kind: K;
  caseId?: Types.ObjectId | null;
  unitId?: Types.ObjectId | null;
  data: MailKinds[K];
}

/**
 * Records that an email is owed and queues its delivery. Recording first (upsert on a
 * deterministic key) makes a repeated call a no-op and lets the reconciler finish the job if
 * Redis is down now. A new record is saved as queued before its job is added: if Redis refuses
 * it is marked not queued; if the process dies first, the reconciler finds it by its age
 * (REQUEUE_AFTER_MS).
 */
export async function requestMail<K extends MailKind>(ctx: Pick<Context, 'queues' | 'logger'>, req: MailRequest<K>): Promise<void> {
  // The record as it was before this call: null when this call created it (with this _id).
  const _id = new Types.ObjectId();
  const earlier = await Notification.findOneAndUpdate(
    { key: req.key },
    { $setOnInsert: { _id, key: req.key, kind: req.kind, caseId: req.caseId ?? null, unitId: req.unitId ?? null, data: req.data ?? null, queued: true } },
    { upsert: true, returnDocument: 'before' },
  ).lean();
  if (earlier && earlier.status !== 'pending') return;
  // A pending earlier record is queued again even if it says queued: a job retried after its
  // process died between recording the mail and adding its job must add it now, not a minute
  // later through the reconciler. Adding it twice changes nothing (same job id).
  const id = earlier?._id ?? _id;
  const queued = await tryEnqueue(ctx, sendMailJob, { notificationId: String(id) });
  // Written only when the record says otherwise (a new one says queued).
  if (queued !== (earlier ? earlier.queued : true)) await Notification.updateOne({ _id: id, status: 'pending' }, { $set: { queued } });
}

/**
 * Sends one owed mail, written by its kind's renderer. Throws on SMTP failure so BullMQ retries
 * with backoff; the reason is kept on the record so staff can see it on the case.
 */
export async function deliverMail(
  ctx: Pick<JobContext, 'logger' | 'clock' | 'config' | 'mailer' | 'registry'>,
  notificationId: string,
): Promise<'sent' | 'already_sent' | 'missing' | 'no_recipient'> {
  const doc = await Notification.findById(notificationId).lean();
  if (!doc) return 'missing';
  if (doc.status === 'sent') return 'already_sent';

  const definition = ctx.registry.mails.find((m) => m.kind === doc.kind) as MailDefinition | undefined;
  if (!definition) throw new Error(`no renderer for mail kind ${doc.kind}`);
  const mail = await definition.render({ kind: doc.kind as MailKind, caseId: doc.caseId, unitId: doc.unitId, data: (doc.data ?? {}) as never }, { baseUrl: ctx.config.BASE_URL });
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

/** The mails owed for a case and how delivery went (shown to commission staff on the case). */
export async function mailsForCase(caseId: Types.ObjectId) {
  return Notification.find({ caseId }, { kind: 1, status: 1, attempts: 1, lastError: 1, sentAt: 1, createdAt: 1 }).sort({ createdAt: 1 }).lean();
}

export const sendMailJob = defineJob<{ notificationId: string }>({
  name: 'send-notification',
  queue: 'notifications',
  payload: z.object({ notificationId: z.string().regex(/^[a-f0-9]{24}$/) }),
  jobId: (p) => `notify-${p.notificationId}`,
  handle: (ctx, { notificationId }) => deliverMail(ctx, notificationId),
  // SMTP down longer than the retries last: the reconciler tries again every RECONCILE_EVERY_SECONDS.
  onGiveUp: async (_ctx, { notificationId }) => {
    await Notification.updateOne({ _id: notificationId, status: 'pending' }, { $set: { queued: false } });
  },
  pending: {
    // Not queued, or recorded as queued long ago and still pending (its job may never have been
    // added: the process died between recording the mail and adding the job).
    // createdAt is the database layer's wall-clock timestamp, so its age is read on the wall clock.
    find: async (limit) => {
      const filter = { status: 'pending' as const, $or: [{ queued: false }, { createdAt: { $lte: new Date(Date.now() - REQUEUE_AFTER_MS) } }] };
      return (await Notification.find(filter, { _id: 1 }).limit(limit).lean()).map((n) => ({ notificationId: String(n._id) }));
    },
    queued: async ({ notificationId }) => {
      await Notification.updateOne({ _id: notificationId }, { $set: { queued: true } });
    },
    lost: async () => (await Notification.updateMany({ status: 'pending', queued: true }, { $set: { queued: false } })).modifiedCount,
  },
});
