import type { TFunction } from 'i18next';
import { findCategory } from '../cases/category.service';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailLink, mailText, unitGreeting, unitName } from '../i18n/mail-text';
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
  // Optional paragraphs: a line of their own when the notice has them, nothing when it does not.
  const optional = (t: TFunction, key: 'place' | 'basis' | 'requirements', lead: string) => (notice[key] ? `${lead}${t(`mails.notice-issued.${key}`, { [key]: notice[key] })}` : '');
  const text = mailText('notice-issued', (t, lang) => ({
    number: noticeNumber(notice),
    caseNumber: notice.caseNumber,
    unit: unitName(unit, lang),
    greeting: unitGreeting(t, lang, unit),
    category: (lang === 'en' ? category?.nameEn : category?.nameZh) ?? notice.categoryCode,
    deadline: notice.deadline,
    workingDays: notice.workingDays,
    issue: notice.issue,
    place: optional(t, 'place', '\n'),
    basis: optional(t, 'basis', '\n\n'),
    requirements: optional(t, 'requirements', '\n\n'),
    url: mailLink(baseUrl, `/notices/${String(notice._id)}`),
  }));
  return { to: unit.emails, ...text };
});

export const routingMails = [noticeMail];
