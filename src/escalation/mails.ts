import type { Types } from 'mongoose';
import type { Context } from '../context';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { defineMail } from '../platform/mail/mail.kinds';
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

const link = (baseUrl: string, path: string) => `${baseUrl.replace(/\/$/, '')}${path}`;

/** The unit (and, where asked, its head): the case and its deadline, never who filed it. */
async function toUnit(c: CaseLean, withHead: boolean, extra: string[] = []) {
  const unit = await findUnit(c.assignedUnitId);
  if (!unit) return null;
  const to = [...unit.emails, ...(withHead && unit.head?.email ? [unit.head.email] : []), ...extra];
  return { unit, to: [...new Set(to)] };
}

function write(to: string[], subject: string, lines: string[], baseUrl: string, c: CaseLean): Mail {
  return { to, subject, text: [...lines, '', `办理页面 / Case page: ${link(baseUrl, `/unit/cases/${String(c._id)}`)}`, '', '县纪委监委'].join('\n') };
}

const caseOf = async (id: Types.ObjectId | null | undefined) => (id ? findCase(id) : null);

export const escalationMails = [
  defineMail('sign-reminder', async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, false));
    if (!c || !r) return null;
    return write(r.to, `【签收提醒】${c.number} / Sign for case ${c.number}`, [`${r.unit.nameZh}：`, '', `案件 ${c.number} 的整改通知书签收期限（${c.signDueDate ?? ''}）已到，请立即登录平台签收，或在期限内申请退单。`, '—', `The notice for case ${c.number} was due to be signed by ${c.signDueDate ?? ''}. Please sign for it now.`], baseUrl, c);
  }),
  defineMail('deadline-reminder', async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, false));
    if (!c || !r) return null;
    return write(r.to, `【到期提醒】${c.number} 将于 ${c.deadlineDate} 到期 / Case ${c.number} due ${c.deadlineDate}`, [`${r.unit.nameZh}：`, '', `案件 ${c.number} 的整改期限为 ${c.deadlineDate}，请按期报送整改报告；确需延期的，请及时申请。`, '—', `Case ${c.number} is due on ${c.deadlineDate}. Report in time, or ask for an extension.`], baseUrl, c);
  }),
  defineMail('urged', async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, true));
    if (!c || !r) return null;
    return write(r.to, `【催办】${c.number} 已逾期 / Overdue: case ${c.number}`, [`${r.unit.nameZh}${r.unit.head?.name ? `、${r.unit.head.name}` : ''}：`, '', n.data.manual ? `纪委监委对案件 ${c.number} 进行催办，请立即办理并报送整改报告（整改期限 ${c.deadlineDate}）。` : `案件 ${c.number} 的整改期限 ${c.deadlineDate} 已过，尚未报送整改报告。请立即办理。逾期不办的，将发出督办通知书。`, '—', `Case ${c.number} is overdue (deadline ${c.deadlineDate}). Report now; a supervision notice follows otherwise.`], baseUrl, c);
  }),
  defineMail('supervised', async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, true));
    const notice = await SupervisionNotice.findById(n.data.noticeId).lean();
    if (!c || !r || !notice) return null;
    const number = supervisionNumber(notice);
    return write(r.to, `【督办通知书】${number} 受理编号 ${c.number} / Supervision notice ${number}`, [`${r.unit.nameZh}${r.unit.head?.name ? `、${r.unit.head.name}` : ''}：`, '', notice.beforeDeadline ? `整改通知书 ${notice.noticeNumber ?? ''} 交办的事项（期限 ${notice.deadline}）现列为督办事项，请单位负责人亲自过问，按期整改到位并书面报告。` : `依据整改通知书 ${notice.noticeNumber ?? ''}，你单位应于 ${notice.deadline} 前整改完毕并书面报告，至今未办结。现予督办，请单位负责人亲自过问，立即整改并报告。`, `督办通知书：${link(baseUrl, `/supervision-notices/${String(notice._id)}`)}`, '—', `Supervision notice ${number}: case ${c.number} missed its deadline of ${notice.deadline}. The head of the unit is to see to it at once.`], baseUrl, c);
  }),
  defineMail('listed-for-notice', async (n, { baseUrl }) => {
    const c = await caseOf(n.caseId);
    const r = c && (await toUnit(c, true, await commissionEmails()));
    if (!c || !r) return null;
    return write(r.to, `【拟通报】${c.number} 严重逾期 / Listed for notification: ${c.number}`, [`${r.unit.nameZh}${r.unit.head?.name ? `、${r.unit.head.name}` : ''}：`, '', `案件 ${c.number} 经催办、督办仍未整改，已列入下一期典型案件通报名单，并计入你单位年度考评的严重失职。`, '—', `Case ${c.number} is still not corrected after urging and supervision; it is listed for the next county-wide notice and counts as a serious failure.`], baseUrl, c);
  }),
];
