import type { Types } from 'mongoose';
import type { Context } from '../context';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import type { TFunction } from 'i18next';
import type { Lang } from '../i18n';
import { defineMail, type MailKind, type OwedMail } from '../platform/mail/mail.kinds';
import { mailLink, mailText, unitGreeting } from '../i18n/mail-text';
import { requestMail } from '../platform/mail/outbox';
import type { Mail } from '../platform/mail/transport';
import { findUnit } from '../units/unit.service';
import { commissionEmails } from '../users/user.service';
import { SupervisionNotice, supervisionNumber } from './escalation.models';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'sign-reminder': Record<string, never>;
    'deadline-reminder': Record<string, never>;
    urged: { manual: 1 | 0 };
    supervised: { noticeId: string };
    'listed-for-notice': Record<string, never>;
  }
}

type Kind = 1 | 2 | 3 | 'reminder' | 'sign_reminder';

/** Owed once per step (its key names the case's round and the step). */
export async function oweEscalationMail(ctx: Pick<Context, 'queues' | 'logger'>, c: { _id: Types.ObjectId; assignedUnitId?: Types.ObjectId | null }, kind: Kind, stepKey: string, noticeId: Types.ObjectId | null): Promise<void> {
  const base = { caseId: c._id, unitId: c.assignedUnitId ?? null };
  const key = (k: string) => `${k}:${String(c._id)}:${stepKey}`;
  if (kind === 'reminder') return requestMail(ctx, { ...base, key: key('deadline-reminder'), kind: 'deadline-reminder', data: {} });
  if (kind === 'sign_reminder') return requestMail(ctx, { ...base, key: key('sign-reminder'), kind: 'sign-reminder', data: {} });
  if (kind === 1) return requestMail(ctx, { ...base, key: key('urged'), kind: 'urged', data: { manual: stepKey.startsWith('manual') ? 1 : 0 } });
  if (kind === 2) return requestMail(ctx, { ...base, key: key('supervised'), kind: 'supervised', data: { noticeId: String(noticeId) } });
  return requestMail(ctx, { ...base, key: key('listed-for-notice'), kind: 'listed-for-notice', data: {} });
}

/** The unit (and, where asked, its head): the case and its deadline, never who filed it. */
async function toUnit(c: CaseLean, withHead: boolean, extra: string[] = []) {
  const unit = await findUnit(c.assignedUnitId);
  if (!unit) return null;
  const to = [...unit.emails, ...(withHead && unit.head?.email ? [unit.head.email] : []), ...extra];
  return { unit, to: [...new Set(to)] };
}

const caseOf = async (id: Types.ObjectId | null | undefined) => (id ? findCase(id) : null);

/** One escalation mail: the case's unit (its head too where `withHead`), the case page linked. */
function unitMail<K extends MailKind>(kind: K, withHead: boolean, write: (c: CaseLean, n: OwedMail<K>, baseUrl: string) => Promise<{ vars: Record<string, unknown>; context?: string } | null>, extra?: () => Promise<string[]>) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, withHead, extra ? await extra() : []));
    const w = c && r && (await write(c, n, baseUrl));
    if (!c || !r || !w) return null;
    const vars = (t: TFunction, lang: Lang) => ({ number: c.number, deadline: c.deadlineDate ?? '', greeting: unitGreeting(t, lang, r.unit, withHead), ...w.vars });
    return { to: r.to, ...mailText(kind, vars, { context: w.context, link: { label: 'unitCase', url: mailLink(baseUrl, `/unit/cases/${String(c._id)}`) } }) } satisfies Mail;
  });
}

export const escalationMails = [
  unitMail('sign-reminder', false, async (c) => ({ vars: { signDue: c.signDueDate ?? '' } })),
  unitMail('deadline-reminder', false, async () => ({ vars: {} })),
  unitMail('urged', true, async (_c, n) => ({ vars: {}, context: n.data.manual ? 'manual' : undefined })),
  unitMail('supervised', true, async (_c, n, baseUrl) => {
    const notice = await SupervisionNotice.findById(n.data.noticeId).lean();
    if (!notice) return null;
    const vars = { notice: supervisionNumber(notice), noticeNumber: notice.noticeNumber ?? '', deadline: notice.deadline, url: mailLink(baseUrl, `/supervision-notices/${String(notice._id)}`) };
    return { vars, context: notice.beforeDeadline ? 'early' : undefined };
  }),
  unitMail('listed-for-notice', true, async () => ({ vars: {} }), commissionEmails),
];
