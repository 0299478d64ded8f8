import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { Notification } from '../../src/platform/mail/notification.model';
import { Notice } from '../../src/routing/notice.model';
import { useTestApp } from '../helpers/app';
import { unitByCode } from '../helpers/builders';
import { FILER } from '../helpers/cases';
import { startHoldingSmtp, type HoldingSmtp } from '../helpers/holding-smtp';
import { processEnv, startProcess, stopProcesses, type AppProcess } from '../helpers/processes';
import { freePort } from '../helpers/servers';
import { until } from '../helpers/wait';

// A worker process killed outright (SIGKILL: no chance to finish anything) in the middle of its
// work. What was lost, in every test: nothing; what was done twice: nothing.
const t = useTestApp();
const started: AppProcess[] = [];
let smtp: HoldingSmtp | undefined;
const LOCK = { JOB_LOCK_MS: '3000' };
const WORKER_CONCURRENCY = 4; // startWorkers' default in the worker process // a killed worker's jobs come back after 3 s, not 60

afterEach(async () => {
  await stopProcesses(started);
  smtp?.release();
  await smtp?.close();
  smtp = undefined;
});

async function worker(extra: Record<string, string> = {}) {
  const p = await startProcess('worker', processEnv(t.ctx.config, { SMTP_URL: smtp!.url, ...LOCK, ...extra }));
  started.push(p);
  return p;
}

async function file(n: number) {
  const units = ['LE02', 'LE03', 'WS01'];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const unit = await unitByCode(units[i % units.length]!);
    const filed = await fileComplaint(t.ctx, { categoryCode: 'efficiency', unitId: String(unit._id), description: `第${i + 1}件：窗口推诿企业开办申请，要求限期整改。`, ...FILER }, { channel: 'web' });
    ids.push(String(filed.id));
  }
  return ids;
}

/** Every case routed, noticed and mailed; returns the notifications owed. */
async function allDone(ids: string[], timeoutMs = 60000) {
  return until(async () => {
    const cases = await Case.find({ _id: { $in: ids } }).lean();
    if (cases.length !== ids.length || cases.some((c) => !c.noticeId)) return null;
    const owed = await Notification.find({ caseId: { $in: ids } }).lean();
    return owed.length >= ids.length * 2 && owed.every((n) => n.status === 'sent') ? owed : null;
  }, timeoutMs);
}

// Each test here starts worker processes compiled from the sources at start-up; on the loaded CI
// machine (both jest workers busy) one test or another took over 60 s in three runs of four (5-12 s
// when quiet), always waiting for processes, never failing an assertion.
jest.setTimeout(150000);

describe('a worker killed in the middle of its work', () => {
  it('when it dies while sending a mail, then the next worker sends that mail, once', async () => {
    smtp = await startHoldingSmtp();
    const first = await worker();
    const [id] = await file(1);
    await smtp.firstHeld;
    first.kill('SIGKILL');
    await first.exited;
    await smtp.heldConnectionsClosed(); // the dead worker's mail was never answered, so never taken
    smtp.release();
    await worker();
    const owed = await allDone([id!]);
    expect(smtp.accepted).toHaveLength(owed.length);
    expect(new Set(smtp.accepted).size).toBe(smtp.accepted.length);
  });

  it('when it dies while routing and noticing a batch, then after a restart every case is assigned once, notices are numbered without gaps, and every mail goes (again only if it was in flight)', async () => {
    smtp = await startHoldingSmtp();
    smtp.release(); // mails go through at once here: the kill lands in routing and numbering
    const ids = await file(6);
    const first = await worker();
    await until(() => Notice.findOne({ caseId: { $in: ids } }).lean()); // work is under way
    first.kill('SIGKILL');
    await first.exited;
    await worker();
    const owed = await allDone(ids);

    const cases = await Case.find({ _id: { $in: ids } }).lean();
    for (const c of cases) {
      const actions = c.timeline.map((e) => e.action);
      expect(actions.filter((a) => a === 'assigned')).toHaveLength(1);
      expect(actions.filter((a) => a === 'notice_issued')).toHaveLength(1);
    }
    const notices = await Notice.find({ caseId: { $in: ids } }).lean();
    expect(notices.map((n) => n.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    // Every mail went. A kill that lands after the SMTP server took a mail and before its record
    // was marked sent makes the next worker send that one again (at most the jobs in flight);
    // nothing else is sent twice.
    expect(new Set(smtp.accepted).size).toBe(owed.length);
    expect(smtp.accepted.length - owed.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
  });
});

describe('SMTP that refuses connections', () => {
  it('when no SMTP server listens, then each mail is retried, and goes once when the server is up', async () => {
    const port = await freePort();
    smtp = undefined;
    const w = await startProcess('worker', processEnv(t.ctx.config, { SMTP_URL: `smtp://127.0.0.1:${port}`, ...LOCK }));
    started.push(w);
    const [id] = await file(1);
    await w.waitForLog(/"msg":"job\.failed"/, 30000); // refused; to be retried
    smtp = await startHoldingSmtp(port);
    smtp.release();
    const owed = await allDone([id!]);
    expect(smtp.accepted).toHaveLength(owed.length);
    expect(new Set(smtp.accepted).size).toBe(smtp.accepted.length);
  });
});

describe('SMTP that stops answering', () => {
  it('when the server hangs in the middle of a mail, then the send times out, is retried, and the mail goes once when the server answers again', async () => {
    smtp = await startHoldingSmtp();
    // Short socket timeout for the test (production: 10 s), given the way operators would.
    const hung = new URL(smtp.url);
    hung.searchParams.set('socketTimeout', '1500');
    const w = await worker({ SMTP_URL: hung.toString() });
    const [id] = await file(1);
    await smtp.firstHeld;
    await w.waitForLog(/"msg":"job\.failed"/, 30000); // the hung attempt failed by its timeout
    // The sender gave up and closed; wait until the server saw it before it answers again (a
    // test-harness race: otherwise the abandoned mail counted as taken on a loaded machine).
    await smtp.heldConnectionsClosed();
    smtp.release();
    const owed = await allDone([id!]);
    expect(smtp.accepted).toHaveLength(owed.length);
    expect(new Set(smtp.accepted).size).toBe(smtp.accepted.length);
  });
});
