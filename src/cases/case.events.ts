import type { Types } from 'mongoose';
import type { Context } from '../context';
import { translator } from '../i18n';
import { defineMail } from '../platform/mail/mail.kinds';
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

const zh = translator('zh-CN');
const en = translator('en');

export const statusChangedMail = defineMail('status-changed', async (n) => {
  const c = await findCase(n.caseId!);
  if (!c?.filedBy) return null;
  const user = await User.findById(c.filedBy).lean();
  if (!user?.email) return null;
  const status = n.data.status ?? c.status;
  const text = [
    `${user.displayName}：`,
    '',
    `您反映的问题 ${c.number} 状态已更新为：${zh(`status.${status}`)}。`,
    '请登录平台查看详情。',
    '',
    '—',
    `Case ${c.number} you filed is now: ${en(`status.${status}`)}.`,
  ].join('\n');
  return { to: [user.email], subject: `【进度】${c.number}：${zh(`status.${status}`)} / ${en(`status.${status}`)}`, text };
});

export const caseMails = [statusChangedMail];
