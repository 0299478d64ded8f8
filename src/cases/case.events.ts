import type { Types } from 'mongoose';
import type { Context } from '../context';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailText } from '../i18n/mail-text';
import { requestMail } from '../platform/mail/outbox';
import { User } from '../users/user.model';
import { findCase } from './case.service';
import type { CaseState } from './case.states';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'status-changed': { status: CaseState };
  }
}

/**
 * Tells the filer about a status change when the filer is a special supervisor (they follow
 * their items by email). `occurrence` makes the key unique per change, so a retried job mails once.
 */
export async function announceStatus(
  ctx: Pick<Context, 'queues' | 'logger'>,
  c: { _id: Types.ObjectId; filedBy?: Types.ObjectId | null; channel?: string | null },
  status: CaseState,
  occurrence: number | string,
): Promise<void> {
  // Supervisors file through their own channel (form or API): a case filed through another one
  // was not filed by a supervisor, and needs no look-up of its filer.
  if (!c.filedBy || (c.channel && c.channel !== 'supervisor')) return;
  const filer = await User.findById(c.filedBy, { role: 1 }).lean();
  if (filer?.role !== 'supervisor') return;
  await requestMail(ctx, { key: `status:${String(c._id)}:${status}:${occurrence}`, kind: 'status-changed', caseId: c._id, data: { status } });
}

export const statusChangedMail = defineMail('status-changed', async (n) => {
  const c = await findCase(n.caseId!);
  if (!c?.filedBy) return null;
  const user = await User.findById(c.filedBy).lean();
  if (!user?.email) return null;
  const status = n.data.status ?? c.status;
  return { to: [user.email], ...mailText('status-changed', (t) => ({ number: c.number, name: user.displayName, status: t(`status.${status}`) })) };
});

export const caseMails = [statusChangedMail];
