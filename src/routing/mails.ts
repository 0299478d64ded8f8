import { findCategory } from '../cases/category.service';
import { defineMail } from '../platform/mail/mail.kinds';
import { findUnit } from '../units/unit.service';
import { Notice, noticeNumber } from './notice.model';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'notice-issued': { noticeId: string };
  }
}

/** The written notice (整改通知书) to the unit's addresses. It carries the case, never who filed it. */
export const noticeMail = defineMail('notice-issued', async (n, { baseUrl }) => {
  const notice = await Notice.findById(n.data.noticeId).lean();
  const unit = notice ? await findUnit(notice.unitId) : null;
  if (!notice || !unit) return null;
  const category = await findCategory(notice.categoryCode);
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
});

export const routingMails = [noticeMail];
