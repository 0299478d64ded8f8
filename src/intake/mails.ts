import { findCase } from '../cases/case.service';
import { filerContact } from '../cases/identity.service';
import { defineMail } from '../platform/mail/mail.kinds';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'complaint-receipt': Record<string, never>;
  }
}

/** The receipt, to the filer's own address; it never carries the tracking secret. */
export const receiptMail = defineMail('complaint-receipt', async (n) => {
  const [c, who] = await Promise.all([findCase(n.caseId!), filerContact(n.caseId)]);
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
});

export const intakeMails = [receiptMail];
