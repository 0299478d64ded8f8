import { findCase } from '../cases/case.service';
import { filerContact } from '../cases/identity.service';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailText } from '../i18n/mail-text';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'complaint-receipt': Record<string, never>;
  }
}

/** The receipt, to the filer's own address; it never carries the tracking secret. */
export const receiptMail = defineMail('complaint-receipt', async (n) => {
  const [c, who] = await Promise.all([findCase(n.caseId!), filerContact(n.caseId)]);
  if (!c || !who?.email) return null;
  return { to: [who.email], ...mailText('complaint-receipt', { number: c.number, code: who.trackingCode }) };
});

export const intakeMails = [receiptMail];
