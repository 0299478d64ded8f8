import { findCase } from '../cases/case.service';
import { filerContact } from '../cases/identity.service';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailText } from '../i18n/mail-text';

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
  return { to: [who.email], ...mailText('complaint-receipt', { number, code: who.trackingCode }) };
});

export const intakeMails = [receiptMail];
