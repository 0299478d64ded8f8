import type { NotificationFields } from './notification.model';
import type { Mail } from './mailer';
import { Case } from '../cases/case.model';
import { Category } from '../cases/category.model';
import { Complainant } from '../cases/complainant.model';
import { translator } from '../i18n';
import { Unit } from '../units/unit.model';
import { User } from '../users/user.model';
import { Notice, noticeNumber } from '../routing/notice.model';

type Owed = Pick<NotificationFields, 'kind' | 'caseId' | 'unitId' | 'data'>;
/** What templates need besides the records: where links in mails point (config BASE_URL). */
export interface MailSettings {
  baseUrl: string;
}
type Renderer = (n: Owed, settings: MailSettings) => Promise<Mail | null>;

const zh = translator('zh-CN');
const en = translator('en');

/**
 * Builds each email from the records as they are now. Mails to units never carry the
 * complainant's identity: only the case fields a unit may read are used. Addresses of citizens
 * and supervisors are read here, in the worker, and never travel in a job payload.
 */
const renderers: Record<string, Renderer> = {
  async 'notice-issued'(n, { baseUrl }) {
    const notice = await Notice.findById(n.data?.noticeId).lean();
    const unit = notice ? await Unit.findById(notice.unitId).lean() : null;
    if (!notice || !unit) return null;
    const category = await Category.findOne({ code: notice.categoryCode }).lean();
    const number = noticeNumber(notice);
    const text = [
      `整改通知书 ${number}`,
      '',
      `${unit.nameZh}：`,
      '',
      `现将群众反映的问题（受理编号 ${notice.caseNumber}，类别：${category?.nameZh ?? notice.categoryCode}）书面转你单位，责成你单位于 ${notice.deadline}（${notice.workingDays} 个工作日）前整改完毕，并书面报送整改情况。`,
      notice.place ? `地点：${notice.place}` : null,
      '',
      '反映的问题：',
      notice.issue,
      notice.basis ? `\n依据：${notice.basis}` : null,
      notice.requirements ? `\n整改要求：${notice.requirements}` : null,
      '',
      `请登录投诉平台签收，打印或保存通知书：${baseUrl.replace(/\/$/, '')}/notices/${String(notice._id)}`,
      '逾期未整改的，将按规定督办、问责。',
      '',
      '县纪委监委',
      '—',
      `Rectification notice ${number} to ${unit.nameEn}: case ${notice.caseNumber} (${category?.nameEn ?? notice.categoryCode}); correct it and report in writing by ${notice.deadline} (${notice.workingDays} working days).`,
    ]
      .filter((l) => l !== null)
      .join('\n');
    return { to: unit.emails, subject: `【整改通知书】${number} 受理编号 ${notice.caseNumber} / Notice for case ${notice.caseNumber}`, text };
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

export async function renderNotification(n: Owed, settings: MailSettings): Promise<Mail | null> {
  const render = renderers[n.kind];
  return render ? render(n, settings) : null;
}
