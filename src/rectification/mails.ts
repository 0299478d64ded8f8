import type { Types } from 'mongoose';
import type { Context } from '../context';
import { findCase } from '../cases/case.service';
import type { CaseLean } from '../cases/case.model';
import { filerContact } from '../cases/identity.service';
import { defineMail, type MailKind, type MailKinds } from '../platform/mail/mail.kinds';
import { mailLink, mailText, unitGreeting } from '../i18n/mail-text';
import { requestMail } from '../platform/mail/outbox';
import type { Mail } from '../platform/mail/transport';
import { findUnit } from '../units/unit.service';
import { commissionEmails, supervisorEmail } from '../users/user.service';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    // to the commission
    'sent-back': Record<string, never>;
    'extension-requested': { n: number };
    'report-submitted': { n: number };
    // to the unit
    'send-back-ruled': { insisted: 1 | 0 };
    'extension-decided': { n: number };
    'report-returned': { n: number };
    'report-accepted': { n: number };
    'case-reopened': { reopen: number };
    // to the filer (own address) and a filing supervisor
    'reply-published': { n: number };
    'question-asked': { n: number };
  }
}

/**
 * Owed a mail about a case, once per event: the key names the case, the kind and the event's own
 * number (the report, the extension, the reopening), so a retried request mails once.
 */
export async function owe<K extends MailKind>(ctx: Pick<Context, 'queues' | 'logger'>, c: { _id: Types.ObjectId; assignedUnitId?: Types.ObjectId | null }, kind: K, data: MailKinds[K], occurrence: string | number): Promise<void> {
  await requestMail(ctx, { key: `${kind}:${String(c._id)}:${occurrence}`, kind, caseId: c._id, unitId: c.assignedUnitId ?? null, data });
}

type Written = { vars: Record<string, unknown>; context?: string };

/** A mail to the unit that has the case: case number and what happened, never who filed it. */
function unitMail<K extends MailKind>(kind: K, write: (c: CaseLean, data: MailKinds[K]) => Written) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    const unit = c ? await findUnit(n.unitId ?? c.assignedUnitId) : null;
    if (!c || !unit) return null;
    const { vars, context } = write(c, n.data);
    const text = mailText(kind, (t, lang) => ({ number: c.number, deadline: c.deadlineDate ?? '', greeting: unitGreeting(t, lang, unit), ...vars }), { context, link: { label: 'unitCase', url: mailLink(baseUrl, `/unit/cases/${String(c._id)}`) } });
    return { to: unit.emails, ...text } satisfies Mail;
  });
}

/** A mail to the commission's staff about a unit's step. */
function commissionMail<K extends MailKind>(kind: K, write: (c: CaseLean, data: MailKinds[K]) => Written) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    const to = await commissionEmails();
    if (!c || !to.length) return null;
    const { vars, context } = write(c, n.data);
    const text = mailText(kind, { number: c.number, deadline: c.deadlineDate ?? '', ...vars }, { context, link: { label: 'commissionCase', url: mailLink(baseUrl, `/commission/cases/${String(c._id)}`) } });
    return { to, ...text } satisfies Mail;
  });
}

/** A mail to whoever filed: the filer's own address (read here, in the worker) and a filing supervisor's. */
function filerMail<K extends MailKind>(kind: K, write: (c: CaseLean, data: MailKinds[K]) => Written) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    if (!c) return null;
    const [who, supervisor] = await Promise.all([filerContact(c._id), supervisorEmail(c.filedBy)]);
    const to = [who?.email, supervisor].filter((x): x is string => !!x);
    if (!to.length) return null;
    const code = who?.trackingCode ? ` ${who.trackingCode} ` : '';
    const { vars, context } = write(c, n.data);
    const text = mailText(kind, { number: c.number, code, ...vars }, { context, link: { label: 'track', url: mailLink(baseUrl, '/track') } });
    // The citizen a supervisor filed for and the supervisor never see each other's address.
    return { to, apart: true, ...text } satisfies Mail;
  });
}

const report = (c: CaseLean, n: number) => c.reports.find((r) => r.n === n);

export const rectificationMails = [
  commissionMail('sent-back', (c) => ({ vars: { reasons: c.sendBack?.reasons ?? '', basis: c.sendBack?.basis ?? '' } })),
  commissionMail('extension-requested', (c, d) => {
    const e = c.extensions.find((x) => x.n === d.n);
    return { vars: { days: e?.workingDays ?? '', reason: e?.reason ?? '' } };
  }),
  commissionMail('report-submitted', (_c, d) => ({ vars: { n: d.n } })),
  unitMail('send-back-ruled', (_c, d) => ({ vars: {}, context: d.insisted ? undefined : 'rerouted' })),
  unitMail('extension-decided', (c, d) => {
    const e = c.extensions.find((x) => x.n === d.n);
    return { vars: { from: e?.fromDate ?? '', to: e?.toDate ?? '', reason: e?.decisionReason ?? '' }, context: e?.status === 'approved' ? undefined : 'refused' };
  }),
  unitMail('report-returned', (c, d) => {
    const r = report(c, d.n);
    return { vars: { n: d.n, reasons: r?.decision?.reasons ?? '', deadline: r?.decision?.newDeadline ?? c.deadlineDate ?? '' } };
  }),
  unitMail('report-accepted', (_c, d) => ({ vars: { n: d.n } })),
  unitMail('case-reopened', () => ({ vars: {} })),
  filerMail('reply-published', (c) => ({ vars: { reply: c.publicReply?.text ?? '' } })),
  filerMail('question-asked', (c, d) => ({ vars: { question: c.question?.n === d.n ? (c.question?.text ?? '') : (c.questions.find((q) => q.n === d.n)?.text ?? '') } })),
];
