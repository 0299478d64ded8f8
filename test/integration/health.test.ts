import { JOBS, QUEUE_NAMES } from '../../src/registry';
import { declareSchedules } from '../../src/platform/jobs/schedules';
import request from 'supertest';
import { createApp } from '../../src/app';
import { connectMongo, withTimeout } from '../../src/db';
import { Case } from '../../src/cases/case.model';
import { Queues } from '../../src/platform/jobs/queues';
import { createFailFastRedis } from '../../src/redis';
import { createTestContext, resetData, type TestContext } from '../helpers/context';
import { givenReferenceData, givenUser } from '../helpers/builders';
import { browser, readReceipt } from '../helpers/http';
import { eventually } from '../helpers/wait';
import { ownMongo, ownRedis, type OwnServer } from '../helpers/servers';
import mongoose from 'mongoose';

describe('GET /healthz', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('when MongoDB and Redis answer and the schedules are declared, then it says ok', async () => {
    await declareSchedules(ctx, JOBS);
    const res = await request(createApp(ctx)).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', mongo: 'up', redis: 'up', schedulesMissing: [], queuesPaused: [] });
  });

  it('when Redis stops, then it answers 503 naming redis, and ok again once Redis is back', async () => {
    const redisServer = await ownRedis();
    const redis = createFailFastRedis(`redis://127.0.0.1:${redisServer.port}`, { commandTimeoutMs: ctx.config.REDIS_COMMAND_TIMEOUT_MS });
    redis.on('error', () => undefined);
    const queues = new Queues(redis, { prefix: 'health', attempts: 1 }, QUEUE_NAMES);
    const app = createApp({ ...ctx, redis, queues });
    try {
      await eventually(async () => expect((await request(app).get('/healthz')).status).toBe(200));
      await resetData(ctx);
      await givenReferenceData();
      await givenUser('commission', { username: 'wang' });
      const staff = browser(app);
      expect((await staff.login('wang')).status).toBe(302);

      await redisServer.stop();
      const down = await request(app).get('/healthz');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'unavailable', mongo: 'up', redis: 'down' });

      // A logged-in page needs its session from Redis: 503, not a hang and not a login loop.
      const page = await staff.agent.get('/commission/cases');
      expect(page.status).toBe(503);
      expect(page.text).toContain('服务暂时不可用');
      // The public form needs no Redis: a complaint filed now is saved, its routing recorded
      // for the reconciler.
      const citizen = browser(app);
      const csrf = await citizen.csrf('/complaints/new');
      const filed = await citizen.agent
        .post('/complaints')
        .type('form')
        .send({ _csrf: csrf, categoryCode: 'attitude', description: '办证窗口工作人员玩手机不理群众。' });
      expect(filed.status).toBe(303);
      expect(await Case.findOne({ routingQueued: false }).lean()).not.toBeNull();

      await redisServer.start();
      await eventually(async () => {
        const res = await request(app).get('/healthz');
        // Up again, but empty (no persistence): no worker has declared the schedules there yet.
        expect(res.body).toMatchObject({ status: 'degraded', mongo: 'up', redis: 'up', queuesPaused: [] });
      });
    } finally {
      redis.disconnect();
      await withTimeout(queues.close(), 2000).catch(() => undefined);
      await redisServer.stop();
    }
  });
});

describe('public pages while Redis is down', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('when a browser still sends an old session cookie, then the complaint form, receipt and tracking work all the same', async () => {
    const redisServer = await ownRedis();
    const redis = createFailFastRedis(`redis://127.0.0.1:${redisServer.port}`, { commandTimeoutMs: ctx.config.REDIS_COMMAND_TIMEOUT_MS });
    redis.on('error', () => undefined);
    const queues = new Queues(redis, { prefix: 'public-down', attempts: 1 }, QUEUE_NAMES);
    const app = createApp({ ...ctx, redis, queues });
    try {
      await eventually(async () => expect((await request(app).get('/healthz')).status).toBe(200));
      await resetData(ctx);
      await givenReferenceData();
      await givenUser('supervisor', { username: 'chen' });
      // The browser holds a session cookie from an earlier login.
      const b = browser(app);
      expect((await b.login('chen')).status).toBe(302);

      // A form opened while Redis answers (its token signed for the session) and sent after
      // Redis went down is still taken...
      const openedBefore = await b.csrf('/complaints/new');
      await redisServer.stop();
      await eventually(async () => expect((await request(app).get('/healthz')).status).toBe(503));
      const early = await b.agent.post('/complaints').type('form').send({ _csrf: openedBefore, categoryCode: 'attitude', description: '窗口工作人员上班时间长时间离岗。' });
      expect(early.status).toBe(303);
      // ...and so is one opened during the outage and sent once Redis is back (checked below).
      const openedDuring = await b.csrf('/complaints/new');

      await b.agent.get('/').expect(200);
      const csrf = await b.csrf('/complaints/new');
      const filed = await b.agent
        .post('/complaints')
        .type('form')
        .send({ _csrf: csrf, categoryCode: 'attitude', description: '办证窗口工作人员玩手机不理群众。', name: '钱多多', phone: '13800001111' });
      expect(filed.status).toBe(303);
      const receipt = await readReceipt(b.agent);
      const saved = await Case.findOne({ number: receipt.number }).lean();
      expect(saved).toMatchObject({ routingQueued: false, channel: 'web' });

      const trackCsrf = await b.csrf('/track');
      const tracked = await b.agent.post('/track').type('form').send({ _csrf: trackCsrf, code: receipt.code, secret: receipt.secret });
      expect(tracked.status).toBe(200);
      expect(tracked.text).toContain(receipt.number);

      // Staff pages still need the session: 503, not an anonymous login loop.
      const staffPage = await b.agent.get('/supervisor');
      expect(staffPage.status).toBe(503);

      await redisServer.start();
      await eventually(async () => expect((await request(app).get('/healthz')).status).toBe(200));
      const late = await b.agent.post('/complaints').type('form').send({ _csrf: openedDuring, categoryCode: 'attitude', description: '窗口工作人员对群众咨询不理不睬。' });
      expect(late.status).toBe(303);
    } finally {
      redis.disconnect();
      await withTimeout(queues.close(), 2000).catch(() => undefined);
      await redisServer.stop();
    }
  });
});

describe('GET /healthz when MongoDB stops', () => {
  // This file's own MongoDB-compatible server (mongod, else our FerretDB build), so stopping it
  // does not disturb other test files, whichever server they share. On a clean clone this builds
  // FerretDB with Go first, which can take minutes.
  let mongo: OwnServer;
  beforeAll(async () => {
    mongo = await ownMongo();
  }, 10 * 60_000);
  afterAll(() => mongo?.close());

  it('then it answers 503 naming mongo', async () => {
    const ctx = await createTestContext();
    await mongoose.disconnect();
    await connectMongo(`mongodb://127.0.0.1:${mongo.port}/health`);
    const app = createApp(ctx);
    await declareSchedules(ctx, JOBS);
    try {
      expect((await request(app).get('/healthz')).body.mongo).toBe('up');
      await mongo.stop();
      const down = await request(app).get('/healthz');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'unavailable', mongo: 'down', redis: 'up', schedulesMissing: [], queuesPaused: [] });
      await mongo.start();
      await eventually(async () => expect((await request(app).get('/healthz')).body).toMatchObject({ status: 'ok', mongo: 'up', redis: 'up' }), 30000);
    } finally {
      await mongo.stop();
      await ctx.close();
    }
  });
});
