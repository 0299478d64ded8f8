import request from 'supertest';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { createApp } from '../../src/app';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import type { Config } from '../../src/config';
import type { Context } from '../../src/context';
import { withTimeout } from '../../src/db';
import { fileComplaint } from '../../src/intake/filing.service';
import { Queues } from '../../src/platform/jobs/queues';
import { declareSchedules, scheduleState } from '../../src/platform/jobs/schedules';
import { startWorkers, type RunningWorkers } from '../../src/platform/jobs/worker';
import { Notification } from '../../src/platform/mail/notification.model';
import { createMailer } from '../../src/platform/mail/transport';
import { createFailFastRedis, waitReady } from '../../src/redis';
import { JOBS, QUEUE_NAMES, registry } from '../../src/registry';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser, formTokens, readReceipt } from '../helpers/http';
import { ownRedis, type OwnServer } from '../helpers/servers';
import { until } from '../helpers/wait';

// Each test runs the app and the workers against a Redis server of its own (never the shared
// one), so it can freeze it (SIGSTOP), flush it or restart it empty.

const t = useTestApp({ smtp: true });

/** What a user waits for, at most: "answers within a few seconds whatever Redis does". */
const BOUND_MS = 5000;
const SCHEDULED = JOBS.filter((j) => j.schedule).map((j) => j.name).sort();

interface Rig {
  server: OwnServer;
  ctx: Context;
  queueRedis: Redis;
  app: Express;
  workers?: RunningWorkers;
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});

async function ownRig(overrides: Partial<Config> = {}): Promise<Rig> {
  const server = await ownRedis();
  const config: Config = { ...t.ctx.config, REDIS_URL: `redis://127.0.0.1:${server.port}`, SMTP_URL: t.smtp.url, ...overrides };
  const redis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  const queueRedis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', () => undefined);
  queueRedis.on('error', () => undefined);
  await Promise.all([waitReady(redis), waitReady(queueRedis)]);
  const queues = new Queues(queueRedis, { prefix: config.REDIS_PREFIX, attempts: 3, enqueueTimeoutMs: config.ENQUEUE_TIMEOUT_MS }, QUEUE_NAMES);
  const ctx: Context = { ...t.ctx, config, redis, queues };
  const rig: Rig = {
    server,
    ctx,
    queueRedis,
    app: createApp(ctx),
    async startWorkers() {
      rig.workers = await startWorkers({ ...ctx, mailer: createMailer(config.SMTP_URL, config.MAIL_FROM), registry }, 2);
    },
    async close() {
      server.thaw();
      await withTimeout(rig.workers?.close() ?? Promise.resolve(), 5000).catch(() => undefined);
      await withTimeout(queues.close(), 2000).catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
      await server.close();
    },
  };
  rigs.push(rig);
  return rig;
}

/** The request's answer and how long it took. */
async function timed(req: PromiseLike<request.Response>): Promise<{ res: request.Response; ms: number }> {
  const started = Date.now();
  const res = await req;
  return { res, ms: Date.now() - started };
}

describe('when Redis is frozen (connected, never answering)', () => {
  it('then anonymous Open311 reads answer 503 in the Open311 format within 5 s, instead of scanning the cases per call', async () => {
    const rig = await ownRig();
    await fileComplaint(rig.ctx, { categoryCode: 'efficiency', description: '不动产登记窗口要求重复提交同一份材料三次。' }, { channel: 'web' });
    const number = (await Case.findOne().lean())!.number;
    // Running Redis: the anonymous list answers (and caches its snapshot).
    await request(rig.app).get('/open311/v2/requests.json').expect(200);

    rig.server.freeze();
    for (const path of ['/open311/v2/requests.json', '/open311/v2/requests.xml', `/open311/v2/requests/${number}.json`]) {
      const read = await timed(request(rig.app).get(path));
      expect([path, read.res.status, read.ms < BOUND_MS]).toEqual([path, 503, true]);
      expect(read.res.headers['retry-after']).toBe('30');
      if (path.endsWith('.json')) expect(read.res.body).toEqual([{ code: 503, description: expect.any(String) }]);
      else expect(read.res.text).toContain('<code>503</code>');
    }
  });

  it('then the public form, filing, receipt, tracking and API intake answer within 5 s, pages that need a session answer 503 quickly, and once Redis runs again the complaints are routed and the receipt mailed', async () => {
    const rig = await ownRig({ RECONCILE_EVERY_SECONDS: 5 });
    await rig.startWorkers();
    await givenUser('commission', { username: 'wang' });
    const staff = browser(rig.app);
    expect((await staff.login('wang')).status).toBe(302);
    const token = await createApiToken((await givenUser('commission', { username: 'hotline' }))._id, 'hotline');
    const citizen = browser(rig.app);

    rig.server.freeze();

    const form = await timed(citizen.agent.get('/complaints/new'));
    expect([form.res.status, form.ms < BOUND_MS]).toEqual([200, true]);
    // Someone still holding a login cookie gets the public form too (the session cannot be read).
    const staffForm = await timed(staff.agent.get('/complaints/new'));
    expect([staffForm.res.status, staffForm.ms < BOUND_MS]).toEqual([200, true]);

    const { csrf, idempotencyKey } = formTokens(form.res.text);
    const filed = await timed(
      citizen.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey, categoryCode: 'efficiency', description: '不动产登记窗口要求重复提交同一份材料三次。', email: 'citizen@example.cn' }),
    );
    expect([filed.res.status, filed.ms < BOUND_MS]).toEqual([303, true]);
    const receipt = await readReceipt(citizen.agent);

    const trackCsrf = formTokens((await citizen.agent.get('/track').expect(200)).text).csrf;
    const tracked = await timed(citizen.agent.post('/track').type('form').send({ _csrf: trackCsrf, code: receipt.code, secret: receipt.secret }));
    expect([tracked.res.status, tracked.ms < BOUND_MS]).toEqual([200, true]);
    expect(tracked.res.text).toContain(receipt.number);

    const api = await timed(request(rig.app).post('/api/v1/complaints').set('Authorization', `Bearer ${token}`).send({ categoryCode: 'efficiency', description: '12345 热线转来：社保窗口排队两小时未办成。' }));
    expect([api.res.status, api.ms < BOUND_MS]).toEqual([201, true]);

    // A page that needs its session says the service is unavailable: no hang, no login loop.
    const page = await timed(staff.agent.get('/commission/cases'));
    expect([page.res.status, page.ms < BOUND_MS]).toEqual([503, true]);
    expect(page.res.text).toContain('服务暂时不可用');
    const health = await timed(request(rig.app).get('/healthz'));
    expect([health.res.status, health.res.body.redis, health.ms < BOUND_MS]).toEqual([503, 'down', true]);

    // Both complaints are saved, their routing recorded for the reconciler.
    const saved = await Case.find({}, { number: 1, status: 1, routingQueued: 1 }).lean();
    expect(saved.map((c) => [c.status, c.routingQueued])).toEqual([
      ['submitted', false],
      ['submitted', false],
    ]);

    rig.server.thaw();
    await until(async () => (await Case.countDocuments({ status: 'submitted' })) === 0 && (await Case.countDocuments({ routedAt: { $ne: null } })) === 2, 30000);
    await until(() => Notification.findOne({ kind: 'complaint-receipt', status: 'sent' }).lean(), 30000);
    const mails = await t.smtp.waitForMails(1);
    expect(mails.find((m) => m.to.includes('citizen@example.cn'))?.text).toContain(receipt.number);
  });
});

describe('job schedules, which live only in Redis', () => {
  it('when Redis loses them (FLUSHALL), then /healthz says degraded naming each missing schedule, and ok once they are declared again', async () => {
    const rig = await ownRig();
    await declareSchedules(rig.ctx, JOBS);
    expect((await request(rig.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok', mongo: 'up', redis: 'up', schedulesMissing: [], queuesPaused: [] });

    await rig.ctx.redis.flushall();
    const degraded = await request(rig.app).get('/healthz').expect(200);
    expect(degraded.body).toEqual({ status: 'degraded', mongo: 'up', redis: 'up', schedulesMissing: expect.any(Array), queuesPaused: [] });
    expect([...degraded.body.schedulesMissing].sort()).toEqual(SCHEDULED);

    await declareSchedules(rig.ctx, JOBS);
    expect((await request(rig.app).get('/healthz').expect(200)).body.status).toBe('ok');
  });

  it('when Redis is flushed under a running worker, then the worker declares every schedule again by itself and a complaint waiting for the reconciler is routed', async () => {
    const rig = await ownRig({ SCHEDULE_CHECK_SECONDS: 1, RECONCILE_EVERY_SECONDS: 5 });
    await rig.startWorkers();
    expect((await scheduleState(rig.ctx.queues, JOBS)).missing).toEqual([]);

    await rig.ctx.redis.flushall();
    // Filed while its job could not be queued (as when Redis was down): only the reconciler routes it.
    const deadRedis = createFailFastRedis('redis://127.0.0.1:1', { commandTimeoutMs: 500, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    const deadQueues = new Queues(deadRedis, { prefix: rig.ctx.config.REDIS_PREFIX, attempts: 1 }, QUEUE_NAMES);
    const filed = await fileComplaint({ ...rig.ctx, queues: deadQueues }, { categoryCode: 'efficiency', description: '社保窗口排队两小时未办成，工作人员离岗。' }, { channel: 'web' });
    deadRedis.disconnect();
    expect(await Case.findById(filed.id, { routingQueued: 1 }).lean()).toMatchObject({ routingQueued: false });

    await until(async () => (await scheduleState(rig.ctx.queues, JOBS)).missing.length === 0, 20000);
    await until(() => Case.findOne({ _id: filed.id, routedAt: { $ne: null } }).lean(), 30000);
    expect((await request(rig.app).get('/healthz').expect(200)).body.status).toBe('ok');
  });

  it('when Redis restarts empty, then the worker declares every schedule again as soon as it reconnects', async () => {
    // The periodic check is out of the way: only the reconnect can bring them back in time.
    const rig = await ownRig({ SCHEDULE_CHECK_SECONDS: 3600 });
    await rig.startWorkers();
    await rig.server.stop();
    await rig.server.start(); // no persistence: it comes back empty
    await until(async () => {
      try {
        return (await scheduleState(rig.ctx.queues, JOBS)).missing.length === 0;
      } catch {
        return false; // the test's own connections are still reconnecting
      }
    }, 20000);
  });
});
