import http from 'node:http';
import { Notification } from '../../src/platform/mail/notification.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { useTestApp } from '../helpers/app';
import { unitByCode } from '../helpers/builders';
import { FILER } from '../helpers/cases';
import { startHoldingSmtp, type HoldingSmtp } from '../helpers/holding-smtp';
import { processEnv, startProcess, stopProcesses, type AppProcess } from '../helpers/processes';
import { until } from '../helpers/wait';

// Graceful stop of the real processes on SIGTERM (started from the sources, sharing this file's
// database and Redis prefix): what was in flight finishes or goes back to the queue; nothing lost.
const t = useTestApp();
const started: AppProcess[] = [];
let smtp: HoldingSmtp | undefined;

afterEach(async () => {
  await stopProcesses(started);
  smtp?.release();
  await smtp?.close();
  smtp = undefined;
});

async function run(kind: 'web' | 'worker', extra: Record<string, string>) {
  const p = await startProcess(kind, processEnv(t.ctx.config, extra));
  started.push(p);
  return p;
}

function get(port: number, path: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

async function fileNamedComplaint() {
  const unit = await unitByCode('LE02');
  return fileComplaint(t.ctx, { categoryCode: 'efficiency', unitId: String(unit._id), description: '县政务大厅窗口多次推诿企业开办申请，要求限期整改。', ...FILER }, { channel: 'web' });
}

describe('web: SIGTERM', () => {
  it('when the web process is told to stop during a request, then readiness fails first, the request still gets its full answer, and the process exits 0', async () => {
    const web = await run('web', { SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_TIMEOUT_MS: '10000' });
    const port = web.port!;
    expect((await get(port, '/readyz')).status).toBe(200);

    // A request in flight: headers and half the body sent, the rest after the signal.
    const body = JSON.stringify({ code: 'ABCDE-FGHJK', secret: 'x'.repeat(16) });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/tracking', method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setImmediate(() => {
        web.kill('SIGTERM');
        void web
          .waitForLog(/web\.draining/)
          .then(async () => {
            // Readiness says "stopping" while connections are still accepted (the drain).
            const ready = await get(port, '/readyz');
            expect(ready.status).toBe(503);
            expect(JSON.parse(ready.body)).toEqual({ status: 'stopping' });
            expect(ready.connection).toBe('close');
            req.end(body.slice(10));
          })
          .catch(reject);
      });
    });
    const res = await answer;
    // The tracking look-up ran to its end: an unknown code is the ordinary 404 answer in JSON.
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toHaveProperty('error');
    expect(await web.exited).toBe(0);
    const order = web.logs.map((l) => /"msg":"(web\.[a-z_.]+)/.exec(l)?.[1]).filter(Boolean);
    expect(order).toEqual(expect.arrayContaining(['web.draining', 'web.stopped']));
    expect(order.indexOf('web.draining')).toBeLessThan(order.indexOf('web.stopped'));
  });
});

describe('worker: SIGTERM', () => {
  it('when a worker is told to stop while sending a mail, then the mail is finished and sent once, the worker exits 0, and the queued rest is sent by the next worker', async () => {
    smtp = await startHoldingSmtp();
    const worker = await run('worker', { SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_MS: '20000' });
    const filed = await fileNamedComplaint();
    await smtp.firstHeld; // a mail job is in the middle of its DATA
    worker.kill('SIGTERM');
    await worker.waitForLog(/worker\.stopping/);
    smtp.release();
    expect(await worker.exited).toBe(0);
    // What was being sent when the signal came was finished (the receipt; the notice too if it was
    // already under way); nothing was cut.
    expect(smtp.accepted.length).toBeGreaterThanOrEqual(1);
    expect(worker.logs.some((l) => l.includes('stop_timeout'))).toBe(false);

    // The next worker sends what was still waiting (the receipt and the unit's notice): each once.
    await run('worker', { SMTP_URL: smtp.url });
    const owed = await until(async () => {
      const all = await Notification.find({ caseId: filed.id }).lean();
      return all.length >= 2 && all.every((n) => n.status === 'sent') ? all : null;
    });
    expect(smtp.accepted).toHaveLength(owed.length);
    expect(new Set(smtp.accepted).size).toBe(smtp.accepted.length);
  });

  it('when a job outlasts the stop timeout, then the worker exits anyway and the job goes back to the queue: the next worker sends its mail, once', async () => {
    smtp = await startHoldingSmtp();
    const worker = await run('worker', { SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_MS: '1000', JOB_LOCK_MS: '3000' });
    const filed = await fileNamedComplaint();
    await smtp.firstHeld;
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.logs.some((l) => l.includes('worker.stop_timeout'))).toBe(true);
    await smtp.heldConnectionsClosed();
    expect(smtp.accepted).toHaveLength(0); // the held mail was never completed

    smtp.release();
    await run('worker', { SMTP_URL: smtp.url, JOB_LOCK_MS: '3000' });
    const owed = await until(async () => {
      const all = await Notification.find({ caseId: filed.id }).lean();
      return all.length >= 2 && all.every((n) => n.status === 'sent') ? all : null;
    }, 45000);
    expect(smtp.accepted).toHaveLength(owed.length);
    expect(new Set(smtp.accepted).size).toBe(smtp.accepted.length);
  });
});
