import { findCase } from '../cases/case.service';
import { filerContact } from '../cases/identity.service';
import { defineMail } from '../platform/mail/mail.kinds';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    // The case number (not personal data) saves the renderer reading the case; older records lack it.
    'complaint-receipt': { number?: string };
  }
}

/** The receipt, to the filer's own address; it never carries the tracking secret. */
export const receiptMail = defineMail('complaint-receipt', async (n) => {
  const [number, who] = await Promise.all([n.data.number ?? findCase(n.caseId!).then((c) => c?.number), filerContact(n.caseId)]);
  if (!number || !who?.email) return null;
  const text = [
    '您好：',
    '',
    `我们已收到您反映的问题，受理编号 ${number}，查询码 ${who.trackingCode}。`,
    '凭查询码和提交时页面上显示的查询密码，可在平台“查询进度”页面查看办理情况、补充材料，办结后评价满意度。',
    '为保护您的信息，本邮件不含查询密码；您的身份信息不会提供给被投诉单位。',
    '',
    '—',
    `We received your complaint, case ${number}, tracking code ${who.trackingCode}.`,
    'Use the code with the secret shown when you submitted to follow it on the platform. For your protection this mail does not contain the secret.',
  ].join('\n');
  return { to: [who.email], subject: `【受理回执】${number} / Receipt for case ${number}`, text };
});

export const intakeMails = [receiptMail];
