import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { Notification } from '../../src/platform/mail/notification.model';
import { Notice } from '../../src/routing/notice.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { FILER } from '../helpers/cases';
import { startHoldingSmtp, type HoldingSmtp } from '../helpers/holding-smtp';
import { processEnv, startProcess, stopProcesses, type AppProcess } from '../helpers/processes';
import { until } from '../helpers/wait';

// Scale-out: two web and two worker processes on the same database and Redis take complaints at
// once, and each piece of work happens once: each case routed once, each notice number once and
// without gaps, each mail once. The issue asks for 500 complaints; on these 2-core machines that
// takes minutes, so `npm test` files SCALE_OUT_COMPLAINTS (default 30) and the benchmark run sets
// 500 (README "Scale-out").
const COMPLAINTS = Number(process.env.SCALE_OUT_COMPLAINTS ?? 30);
const AT_ONCE = 10;
// 500 took over 1,000 s on a loaded 2-core machine (load average 18): 6 s a complaint for big runs.
jest.setTimeout(Math.max(240_000, COMPLAINTS * 6_000));

const t = useTestApp();
const started: AppProcess[] = [];
let smtp: HoldingSmtp | undefined;

afterEach(async () => {
  await stopProcesses(started);
  await smtp?.close();
  smtp = undefined;
});

it(`when two web and two worker processes take ${COMPLAINTS} complaints at once, then each case is routed once, the notice numbers run 1..${COMPLAINTS} once each, and each mail goes once`, async () => {
  smtp = await startHoldingSmtp();
  smtp.release();
  const env = processEnv(t.ctx.config, { SMTP_URL: smtp.url, INTAKE_LIMIT_PER_HOUR: '1000000', LOG_LEVEL: 'info' });
  const [webA, webB, workerA, workerB] = await Promise.all([startProcess('web', env), startProcess('web', env), startProcess('worker', env), startProcess('worker', env)]);
  started.push(webA!, webB!, workerA!, workerB!);
  const token = await createApiToken((await givenUser('commission'))._id, 'hotline');
  const units = await Promise.all(['WS01', 'LE02', 'LE03'].map(unitByCode));

  const file = async (i: number) => {
    const web = i % 2 ? webB! : webA!;
    const res = await fetch(`http://127.0.0.1:${web.port}/api/v1/complaints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ categoryCode: 'efficiency', unitId: String(units[i % units.length]!._id), description: `第${i + 1}件：窗口推诿企业开办申请，要求限期整改。`, channel: 'phone', ...FILER }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const ids: string[] = [];
  for (let i = 0; i < COMPLAINTS; i += AT_ONCE) ids.push(...(await Promise.all(Array.from({ length: Math.min(AT_ONCE, COMPLAINTS - i) }, (_, k) => file(i + k)))));
  expect(new Set(ids).size).toBe(COMPLAINTS);

  // Done: every case noticed, and every mail owed (receipt and notice) sent. What was reached is
  // kept, so a timeout says where the work stopped.
  let reached = '';
  const owed = await until(
    async () => {
      const noticed = await Case.countDocuments({ _id: { $in: ids }, noticeId: { $ne: null } });
      const mails = await Notification.find({ caseId: { $in: ids } }, { status: 1 }).lean();
      reached = `${noticed} noticed, ${mails.length} mails owed, ${mails.filter((m) => m.status === 'sent').length} sent, ${smtp!.accepted.length} accepted`;
      return noticed === COMPLAINTS && mails.length >= COMPLAINTS * 2 && mails.every((m) => m.status === 'sent') ? mails : null;
    },
    COMPLAINTS * 4_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${reached}`);
  });

  const cases = await Case.find({ _id: { $in: ids } }, { timeline: 1, status: 1 }).lean();
  for (const c of cases) {
    expect(c.status).toBe('assigned');
    expect(c.timeline.filter((e) => e.action === 'assigned')).toHaveLength(1);
    expect(c.timeline.filter((e) => e.action === 'notice_issued')).toHaveLength(1);
  }
  const notices = await Notice.find({}, { seq: 1, caseId: 1 }).lean();
  expect(notices.map((n) => n.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: COMPLAINTS }, (_, i) => i + 1));
  expect(new Set(notices.map((n) => String(n.caseId))).size).toBe(COMPLAINTS);
  // Two mails per complaint (the filer's receipt, the unit's notice), each accepted once.
  expect(owed).toHaveLength(COMPLAINTS * 2);
  expect(smtp.accepted).toHaveLength(COMPLAINTS * 2);
  expect(new Set(smtp.accepted).size).toBe(COMPLAINTS * 2);
  // Both web processes filed and both workers worked (else this proves nothing about two of each).
  for (const web of [webA!, webB!]) expect(web.logs.filter((l) => l.includes('"msg":"case.submitted"')).length).toBeGreaterThan(0);
  for (const worker of [workerA!, workerB!]) expect(worker.logs.filter((l) => l.includes('"msg":"job.done"')).length).toBeGreaterThan(0);
});
