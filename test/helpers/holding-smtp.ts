import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface HoldingSmtp {
  url: string;
  /** "recipients | subject" of each mail accepted, in order. */
  accepted: string[];
  /** Resolves when a mail's data has started arriving (the sending job is in the middle of it). */
  firstHeld: Promise<void>;
  /** Resolves once every connection with a held mail has closed (its sender died). */
  heldConnectionsClosed(): Promise<void>;
  /** From now on, every mail (held ones included) is accepted. */
  release(): void;
  close(): Promise<void>;
}

/**
 * An SMTP server that holds every mail in the middle of its DATA until `release()`: the sending job
 * stays running, which is how a test catches a worker with a job in flight.
 */
export async function startHoldingSmtp(listenPort = 0): Promise<HoldingSmtp> {
  const accepted: string[] = [];
  const closed = new Set<string>();
  const held = new Set<string>();
  let onHeldClosed: () => void = () => undefined;
  let released = false;
  let releaseAll: () => void = () => undefined;
  const releasedPromise = new Promise<void>((resolve) => (releaseAll = resolve));
  let markHeld: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (markHeld = resolve));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A mail whose connection is gone before the server answered was never accepted (a real server
    // commits a mail when it answers the final dot, which is what is held here).
    onClose(session) {
      closed.add(session.id);
      held.delete(session.id);
      if (held.size === 0) onHeldClosed();
    },
    onData(stream, session, callback) {
      const parsed = simpleParser(stream);
      void parsed.then((mail) => {
        markHeld();
        if (!released) held.add(session.id);
        const accept = () => {
          held.delete(session.id);
          if (closed.has(session.id)) return;
          accepted.push(`${session.envelope.rcptTo.map((r) => r.address).join(',')} | ${mail.subject ?? ''}`);
          callback();
        };
        if (released) accept();
        else void releasedPromise.then(accept);
      }, callback);
    },
  });
  // A sender killed in the middle of a mail (what the fault tests do) resets its connection; the
  // server reports that as an 'error' event, which unheard would end the test process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    firstHeld,
    heldConnectionsClosed() {
      if (held.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => (onHeldClosed = resolve));
    },
    release() {
      released = true;
      releaseAll();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
