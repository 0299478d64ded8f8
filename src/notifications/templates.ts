import type { NotificationFields } from './notification.model';
import type { Mail } from './mailer';
import { Case } from '../cases/case.model';
import { Category } from '../cases/category.model';
import { Unit } from '../units/unit.model';

/**
 * Builds the email for a notification from the records as they are now. Units' mails never
 * carry the complainant's identity: only the case fields a unit may read are used.
 */
export async function renderNotification(n: Pick<NotificationFields, 'kind' | 'caseId' | 'unitId'>): Promise<Mail | null> {
  if (n.kind === 'case-assigned') {
    const [c, unit] = await Promise.all([Case.findById(n.caseId).lean(), Unit.findById(n.unitId).lean()]);
    if (!c || !unit) return null;
    const category = await Category.findOne({ code: c.categoryCode }).lean();
    const text = [
      `${unit.nameZh}：`,
      '',
      `县纪委监委转来投诉件 ${c.number}，请登录投诉平台查收、签收并按期办理。`,
      `问题类别：${category?.nameZh ?? c.categoryCode}`,
      c.place ? `地点：${c.place}` : null,
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
  }
  return null;
}
