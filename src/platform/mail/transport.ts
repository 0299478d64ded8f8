import nodemailer, { type Transporter } from 'nodemailer';

export interface Mail {
  to: string[];
  /**
   * The recipients must not see one another's addresses (a filer and the supervisor who filed for
   * them): sent as blind copies, one transaction, so a retry cannot mail anyone twice.
   */
  apart?: boolean;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(smtpUrl: string, from: string): Mailer {
  const url = new URL(smtpUrl);
  // Short timeouts: a hung SMTP server fails the job, which BullMQ retries with backoff.
  for (const [k, v] of Object.entries({ connectionTimeout: '5000', greetingTimeout: '5000', socketTimeout: '10000' })) {
    if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  }
  const transport: Transporter = nodemailer.createTransport(url.toString());
  return {
    async send({ apart, to, ...mail }) {
      await transport.sendMail(apart && to.length > 1 ? { from, bcc: to, ...mail } : { from, to, ...mail });
    },
    close() {
      transport.close();
    },
  };
}
