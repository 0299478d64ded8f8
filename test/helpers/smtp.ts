import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  /** The To and Cc headers as every recipient sees them (blind copies are not in them). */
  headers: string;
  subject: string;
  text: string;
}

export interface TestSmtp {
  url: string;
  mails: ReceivedMail[];
  waitForMails(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server in this process; tests read what the system sent. */
export async function startSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed: ParsedMail) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            headers: [parsed.to, parsed.cc].flat().filter((a) => !!a).map((a) => a!.text).join('\n'),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A sender killed in the middle of a mail (what the fault tests do) resets its connection; the
  // server reports that as an 'error' event, which unheard would end the test process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitForMails(n, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      while (mails.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
