import type { NotificationFields } from './notification.model';
import type { Mail } from './mailer';
import { Case } from '../cases/case.model';
import { Category } from '../cases/category.model';
import { Complainant } from '../cases/complainant.model';
import { translator } from '../i18n';
import { Unit } from '../units/unit.model';
import { User } from '../users/user.model';

type Notice = Pick<NotificationFields, 'kind' | 'caseId' | 'unitId' | 'data'>;
type Renderer = (n: Notice) => Promise<Mail | null>;

const zh = translator('zh-CN');
const en = translator('en');

/**
 * Builds each email from the records as they are now. Mails to units never carry the
 * complainant's identity: only the case fields a unit may read are used. Addresses of citizens
 * and supervisors are read here, in the worker, and never travel in a job payload.
 */
const renderers: Record<string, Renderer> = {
  async 'case-assigned'(n) {
    const [c, unit] = await Promise.all([Case.findById(n.caseId).lean(), Unit.findById(n.unitId).lean()]);
    if (!c || !unit) return null;
    const category = await Category.findOne({ code: c.categoryCode }).lean();
    const text = [
      `${unit.nameZh}：`,
      '',
      `县纪委监委转来投诉件 ${c.number}，请登录投诉平台查收、签收并按期办理。`,
      `问题类别：${category?.nameZh ?? c.categoryCode}`,
      c.place ? `地点：${c.place}` : null,
      c.eventDate ? `发生日期：${c.eventDate}` : null,
      '',
      `问题描述：`,
      c.description,
      '',
      '—',
      `${unit.nameEn}: case ${c.number} (${category?.nameEn ?? c.categoryCode}) has been assigned to your unit.`,
      'Please sign for it on the complaint platform and handle it within the deadline.',
    ]
      .filter((l) => l !== null)
      .join('\n');
    return { to: unit.emails, subject: `【转办】投诉件 ${c.number} / Case ${c.number} assigned`, text };
  },

  async 'complaint-receipt'(n) {
    const [c, who] = await Promise.all([Case.findById(n.caseId).lean(), Complainant.findOne({ caseId: n.caseId }).lean()]);
    if (!c || !who?.email) return null;
    const text = [
      '您好：',
      '',
      `我们已收到您反映的问题，受理编号 ${c.number}，查询码 ${who.trackingCode}。`,
      '凭查询码和提交时页面上显示的查询密码，可在平台“查询进度”页面查看办理情况、补充材料，办结后评价满意度。',
      '为保护您的信息，本邮件不含查询密码；您的身份信息不会提供给被投诉单位。',
      '',
      '—',
      `We received your complaint, case ${c.number}, tracking code ${who.trackingCode}.`,
      'Use the code with the secret shown when you submitted to follow it on the platform. For your protection this mail does not contain the secret.',
    ].join('\n');
    return { to: [who.email], subject: `【受理回执】${c.number} / Receipt for case ${c.number}`, text };
  },

  async 'status-changed'(n) {
    const c = await Case.findById(n.caseId).lean();
    if (!c?.filedBy) return null;
    const user = await User.findById(c.filedBy).lean();
    if (!user?.email) return null;
    const status = String(n.data?.status ?? c.status);
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
  },
};

export async function renderNotification(n: Notice): Promise<Mail | null> {
  const render = renderers[n.kind];
  return render ? render(n) : null;
}
