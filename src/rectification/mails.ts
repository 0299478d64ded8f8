import type { Types } from 'mongoose';
import type { Context } from '../context';
import { findCase } from '../cases/case.service';
import type { CaseLean } from '../cases/case.model';
import { filerContact } from '../cases/identity.service';
import { defineMail, type MailKind, type MailKinds } from '../platform/mail/mail.kinds';
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

const link = (baseUrl: string, path: string) => `${baseUrl.replace(/\/$/, '')}${path}`;

/** A mail to the unit that has the case: case number and what happened, never who filed it. */
function unitMail<K extends MailKind>(kind: K, write: (c: CaseLean, data: MailKinds[K]) => { subject: string; lines: string[] }) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    const unit = c ? await findUnit(n.unitId ?? c.assignedUnitId) : null;
    if (!c || !unit) return null;
    const { subject, lines } = write(c, n.data);
    return { to: unit.emails, subject, text: [`${unit.nameZh}：`, '', ...lines, '', `办理页面 / Case page: ${link(baseUrl, `/unit/cases/${String(c._id)}`)}`, '', '县纪委监委'].join('\n') } satisfies Mail;
  });
}

/** A mail to the commission's staff about a unit's step. */
function commissionMail<K extends MailKind>(kind: K, write: (c: CaseLean, data: MailKinds[K]) => { subject: string; lines: string[] }) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    const to = await commissionEmails();
    if (!c || !to.length) return null;
    const { subject, lines } = write(c, n.data);
    return { to, subject, text: [...lines, '', `${link(baseUrl, `/commission/cases/${String(c._id)}`)}`].join('\n') } satisfies Mail;
  });
}

/** A mail to whoever filed: the filer's own address (read here, in the worker) and a filing supervisor's. */
function filerMail<K extends MailKind>(kind: K, write: (c: CaseLean, trackingCode: string | null, data: MailKinds[K]) => { subject: string; lines: string[] }) {
  return defineMail(kind, async (n, { baseUrl }) => {
    const c = await findCase(n.caseId!);
    if (!c) return null;
    const [who, supervisor] = await Promise.all([filerContact(c._id), supervisorEmail(c.filedBy)]);
    const to = [who?.email, supervisor].filter((x): x is string => !!x);
    if (!to.length) return null;
    const { subject, lines } = write(c, who?.trackingCode ?? null, n.data);
    // The citizen a supervisor filed for and the supervisor never see each other's address.
    return { to, apart: true, subject, text: [...lines, '', `查询进度 / Follow it: ${link(baseUrl, '/track')}`].join('\n') } satisfies Mail;
  });
}

const report = (c: CaseLean, n: number) => c.reports.find((r) => r.n === n);

export const rectificationMails = [
  commissionMail('sent-back', (c) => ({
    subject: `【退单待终审】${c.number} / Sent back: ${c.number}`,
    lines: [`承办单位认为案件 ${c.number} 不属其职责，申请退单。`, `理由：${c.sendBack?.reasons ?? ''}`, `依据：${c.sendBack?.basis ?? ''}`, '请终审：改派其他单位，或维持原交办。', '—', `The unit sent case ${c.number} back as not its responsibility; please rule.`],
  })),
  commissionMail('extension-requested', (c, d) => {
    const e = c.extensions.find((x) => x.n === d.n);
    return {
      subject: `【延期申请】${c.number} / Extension asked: ${c.number}`,
      lines: [`承办单位申请延期 ${e?.workingDays ?? ''} 个工作日（现截止 ${c.deadlineDate ?? ''}）。`, `理由：${e?.reason ?? ''}`, '—', `The unit asks for ${e?.workingDays ?? ''} more working days on case ${c.number}.`],
    };
  }),
  commissionMail('report-submitted', (c, d) => ({
    subject: `【整改报告待审核】${c.number} 第${d.n}次 / Report ${d.n} on ${c.number}`,
    lines: [`承办单位报送了案件 ${c.number} 的第 ${d.n} 次整改报告，请审核。`, '—', `The unit submitted report ${d.n} on case ${c.number}; please review it.`],
  })),
  unitMail('send-back-ruled', (c, d) => ({
    subject: d.insisted ? `【退单未获同意】${c.number} / Send-back refused: ${c.number}` : `【退单已改派】${c.number} / Re-routed: ${c.number}`,
    lines: d.insisted
      ? [`经终审，案件 ${c.number} 仍由你单位办理，整改期限不变（${c.deadlineDate ?? ''}），请及时签收办理。`, '—', `Ruling: case ${c.number} stays with your unit; the deadline (${c.deadlineDate ?? ''}) stands. Please sign for it.`]
      : [`经终审，案件 ${c.number} 已改派其他单位办理。`, '—', `Ruling: case ${c.number} was re-routed to another unit.`],
  })),
  unitMail('extension-decided', (c, d) => {
    const e = c.extensions.find((x) => x.n === d.n);
    const approved = e?.status === 'approved';
    return {
      subject: `【延期${approved ? '已批准' : '未批准'}】${c.number} / Extension ${approved ? 'approved' : 'refused'}: ${c.number}`,
      lines: approved
        ? [`你单位的延期申请已批准，整改期限由 ${e?.fromDate} 延至 ${e?.toDate}。`, '—', `Extension approved: the deadline moves from ${e?.fromDate} to ${e?.toDate}.`]
        : [`你单位的延期申请未获批准，整改期限仍为 ${c.deadlineDate ?? ''}。`, `理由：${e?.decisionReason ?? ''}`, '—', `Extension refused; the deadline stays ${c.deadlineDate ?? ''}.`],
    };
  }),
  unitMail('report-returned', (c, d) => {
    const r = report(c, d.n);
    return {
      subject: `【整改报告退回重办】${c.number} / Report returned: ${c.number}`,
      lines: [`你单位报送的第 ${d.n} 次整改报告未通过审核，退回重新办理。`, `理由：${r?.decision?.reasons ?? ''}`, `新的整改期限：${r?.decision?.newDeadline ?? c.deadlineDate ?? ''}。`, '—', `Report ${d.n} was returned; new deadline ${r?.decision?.newDeadline ?? ''}.`],
    };
  }),
  unitMail('report-accepted', (c, d) => ({
    subject: `【整改报告已通过】${c.number} / Report accepted: ${c.number}`,
    lines: [`你单位报送的第 ${d.n} 次整改报告已审核通过，答复已向投诉人公开。`, '—', `Report ${d.n} on case ${c.number} was accepted and the reply published to the filer.`],
  })),
  unitMail('case-reopened', (c) => ({
    subject: `【重新办理】${c.number} / Reopened: ${c.number}`,
    lines: [`投诉人对案件 ${c.number} 的办理结果不满意，经纪委监委研究，重新交你单位办理，整改期限 ${c.deadlineDate ?? ''}。`, '—', `The filer was dissatisfied; case ${c.number} is back with your unit, deadline ${c.deadlineDate ?? ''}.`],
  })),
  filerMail('reply-published', (c, code) => ({
    subject: `【办理结果】${c.number} / Outcome of case ${c.number}`,
    lines: [
      '您好：',
      '',
      `您反映的问题（受理编号 ${c.number}）已办结，责任单位答复如下：`,
      '',
      c.publicReply?.text ?? '',
      '',
      `请凭查询码${code ? ` ${code} ` : ''}和查询密码在平台评价办理结果（满意 / 基本满意 / 不满意）。`,
      '—',
      `Case ${c.number} is resolved. The unit's reply is above; please rate it on the platform with your tracking code and secret.`,
    ],
  })),
  filerMail('question-asked', (c, code, d) => ({
    subject: `【需要您补充情况】${c.number} / A question about case ${c.number}`,
    lines: [
      '您好：',
      '',
      `办理单位就您反映的问题（受理编号 ${c.number}）需要了解以下情况：`,
      '',
      c.question?.n === d.n ? (c.question?.text ?? '') : (c.questions.find((q) => q.n === d.n)?.text ?? ''),
      '',
      `请凭查询码${code ? ` ${code} ` : ''}和查询密码在平台“补充材料”中答复。`,
      '—',
      `The unit handling case ${c.number} has a question for you (above); answer it on the tracking page.`,
    ],
  })),
];
