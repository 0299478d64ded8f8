import request from 'supertest';
import { Case } from '../../src/cases/case.model';
import { Notification } from '../../src/platform/mail/notification.model';
import { useTestApp } from '../helpers/app';
import { unitByCode } from '../helpers/builders';
import { formTokens } from '../helpers/http';
import { processEnv, startProcess, stopProcesses, type AppProcess } from '../helpers/processes';
import { ownRedis, type OwnServer } from '../helpers/servers';
import { until } from '../helpers/wait';

// The real web and worker processes on a Redis server of this file's own, which the tests stop,
// freeze and restart empty. Every test ends by counting: every complaint answered 303 is saved,
// routed once and its mails sent once. What was lost: nothing.
const t = useTestApp({ smtp: true });
let redis: OwnServer;
const started: AppProcess[] = [];

beforeEach(async () => {
  redis = await ownRedis();
});
afterEach(async () => {
  redis.thaw();
  await stopProcesses(started);
  await redis.close();
});

async function run(kind: 'web' | 'worker', extra: Record<string, string> = {}) {
  const env = processEnv({ ...t.ctx.config, REDIS_URL: `redis://127.0.0.1:${redis.port}` }, { SMTP_URL: t.smtp.url, RECONCILE_EVERY_SECONDS: '5', SCHEDULE_CHECK_SECONDS: '5', ...extra });
  const p = await startProcess(kind, env);
  started.push(p);
  return p;
}

/** Files a named complaint on the public form of the web process; returns the answer's status and time. */
async function fileOnForm(base: string, description: string) {
  const agent = request.agent(base);
  const unit = await unitByCode('LE02');
  const form = await agent.get('/complaints/new');
  const { csrf, idempotencyKey } = formTokens(form.text, '/complaints/new');
  const startedAt = Date.now();
  const res = await agent
    .post('/complaints')
    .type('form')
    .send({ _csrf: csrf, idempotencyKey, categoryCode: 'efficiency', unitId: String(unit._id), description, name: '钱多多', phone: '13700001111', email: 'qian@example.cn' });
  return { status: res.status, ms: Date.now() - startedAt };
}

/** Every case routed with its notice, every mail sent; checks nothing was done twice. */
async function everythingDone(descriptions: string[]) {
  const cases = await until(async () => {
    const all = await Case.find({ description: { $in: descriptions } }).lean();
    return all.length === descriptions.length && all.every((c) => c.noticeId) ? all : null;
  }, 60000);
  const ids = cases.map((c) => c._id);
  const owed = await until(async () => {
    const n = await Notification.find({ caseId: { $in: ids } }).lean();
    return n.length >= ids.length * 2 && n.every((x) => x.status === 'sent') ? n : null;
  }, 60000);
  for (const c of cases) expect(c.timeline.filter((e) => e.action === 'assigned')).toHaveLength(1);
  await t.smtp.waitForMails(owed.length);
  expect(t.smtp.mails).toHaveLength(owed.length);
}

describe('Redis faults under the real processes', () => {
  it('when Redis restarts empty with complaints queued but not yet routed, then the worker notices the loss and every complaint is routed and mailed once', async () => {
    const web = await run('web');
    const base = `http://127.0.0.1:${web.port}`;
    const texts = ['县医保窗口要求重复提交材料，群众多次往返。', '不动产登记窗口推诿，称系统故障拒不受理。'];
    for (const d of texts) expect((await fileOnForm(base, d)).status).toBe(303);
    // Their routing jobs and receipts are queued in Redis, recorded as queued in MongoDB...
    expect(await Case.countDocuments({ description: { $in: texts }, routingQueued: true })).toBe(2);
    // ...and Redis is restarted without persistence before any worker took them.
    await redis.stop();
    await redis.start();

    const worker = await run('worker');
    await worker.waitForLog(/jobs\.redis_data_lost/);
    await everythingDone(texts);
  });

  it('when Redis is frozen during intake, then the public form answers within seconds, and the complaint is routed and mailed once Redis answers again', async () => {
    const web = await run('web');
    await run('worker');
    const base = `http://127.0.0.1:${web.port}`;
    const before = '乡镇政府门口停车收费无票据，群众质疑乱收费。';
    expect((await fileOnForm(base, before)).status).toBe(303);

    redis.freeze();
    const during = '窗口人员午休期间拒绝办理急需的证明。';
    const answered = await fileOnForm(base, during);
    expect(answered.status).toBe(303);
    expect(answered.ms).toBeLessThan(8000);
    expect((await request(base).get('/healthz')).status).toBe(503);
    redis.thaw();
    await everythingDone([before, during]);
  });

  it('when Redis is stopped during intake and comes back empty, then complaints filed meanwhile are saved, and everything is routed and mailed once', async () => {
    const web = await run('web');
    await run('worker');
    const base = `http://127.0.0.1:${web.port}`;
    await redis.stop();
    const during = ['公交站台损坏三个月无人维修。', '社区卫生服务站收费不公示。'];
    for (const d of during) expect((await fileOnForm(base, d)).status).toBe(303);
    expect(await Case.countDocuments({ description: { $in: during }, routingQueued: false })).toBe(2);
    await redis.start();
    await everythingDone(during);
  });
});
