import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { Case } from '../../src/cases/case.model';
import { connectMongo } from '../../src/db';
import { givenReferenceData } from '../helpers/builders';
import { createTestContext, type TestContext } from '../helpers/context';
import { formTokens } from '../helpers/http';
import { processEnv, startProcess, type AppProcess } from '../helpers/processes';
import { ownMongo, type OwnServer } from '../helpers/servers';
import { eventually } from '../helpers/wait';

// The real web process with a MongoDB-compatible server of this file's own, stopped and started
// again under it. What was lost: nothing (a complaint refused with 503 was never taken).
let mongo: OwnServer;
let ctx: TestContext;
let web: AppProcess | undefined;
let uri: string;

beforeAll(async () => {
  mongo = await ownMongo();
  ctx = await createTestContext();
  await mongoose.disconnect();
  uri = `mongodb://127.0.0.1:${mongo.port}/cf_fault_mongo`;
  await connectMongo(uri);
  await givenReferenceData();
}, 10 * 60_000);

afterAll(async () => {
  if (web && web.child.exitCode === null) web.kill('SIGKILL');
  await web?.exited;
  await mongoose.disconnect();
  await ctx?.close();
  await mongo?.close();
});

async function fileOnPage(agent: ReturnType<typeof request.agent>, description: string) {
  const form = await agent.get('/complaints/new');
  expect(form.status).toBe(200);
  const { csrf, idempotencyKey } = formTokens(form.text, '/complaints/new');
  return { csrf, idempotencyKey, send: () => agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey, categoryCode: 'attitude', description }) };
}

describe('MongoDB stops under the running web process', () => {
  it('then pages and filing answer 503 with a clear message at once, nothing is taken half way, and everything works again when MongoDB is back, without a restart', async () => {
    web = await startProcess('web', processEnv({ ...ctx.config, MONGODB_URI: uri }));
    const base = `http://127.0.0.1:${web.port}`;
    const citizen = request.agent(base);

    const before = await fileOnPage(citizen, '办证窗口工作人员玩手机不理群众。');
    expect((await before.send()).status).toBe(303);

    const during = await fileOnPage(citizen, '窗口工作人员上班时间离岗，群众排队无人办理。');
    await mongo.stop();
    const health = await request(base).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', mongo: 'down' });

    const started = Date.now();
    const refused = await during.send();
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('服务暂时不可用');
    expect(refused.headers['retry-after']).toBeDefined();
    // The form needs no database now (units and categories are held in memory, issue 14); a page
    // that reads the database answers 503 as quickly.
    expect((await request(base).get('/complaints/new')).status).toBe(200);
    const page = await request(base).get(`/public/bulletins/${new Types.ObjectId()}`);
    expect(page.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(15000); // answered, not hung

    await mongo.start();
    await eventually(async () => expect((await request(base).get('/healthz')).status).toBe(200), 60000);
    // The same form sent again is taken now, once; the one taken before the outage is still there.
    expect((await during.send()).status).toBe(303);
    expect((await during.send()).status).toBe(303); // a repeat shows the same receipt
    const cases = await Case.find({}).lean();
    expect(cases.map((c) => c.description).sort()).toEqual(['办证窗口工作人员玩手机不理群众。', '窗口工作人员上班时间离岗，群众排队无人办理。'].sort());
  });
});
