import request from 'supertest';
import type { Config } from '../../../src/config';
import type { Context } from '../../../src/context';
import { createApp } from '../../../src/app';
import { withTimeout } from '../../../src/db';
import { Queues } from '../../../src/platform/jobs/queues';
import { createFailFastRedis, waitReady } from '../../../src/redis';
import { QUEUE_NAMES } from '../../../src/registry';
import { refreshSnapshot } from '../../../src/transparency/refresh.service';
import { TransparencySnapshot } from '../../../src/transparency/snapshot.model';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { browser } from '../../helpers/http';
import { ownRedis, type OwnServer } from '../../helpers/servers';

// The app runs against a Redis of this test's own, which the test freezes (SIGSTOP): the public
// page and the open data must still answer, without a 5xx, for anonymous visitors and for someone
// whose login cookie can no longer be read.

const t = useTestApp();
jest.setTimeout(60000);

/** What a visitor waits for, at most, whatever Redis does. */
const BOUND_MS = 5000;

let server: OwnServer;
let ctx: Context;
let redis: ReturnType<typeof createFailFastRedis>;
let queueRedis: ReturnType<typeof createFailFastRedis>;

beforeEach(async () => {
  server = await ownRedis();
  const config: Config = { ...t.ctx.config, REDIS_URL: `redis://127.0.0.1:${server.port}` };
  redis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  queueRedis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', () => undefined);
  queueRedis.on('error', () => undefined);
  await Promise.all([waitReady(redis), waitReady(queueRedis)]);
  ctx = { ...t.ctx, config, redis, queues: new Queues(queueRedis, { prefix: config.REDIS_PREFIX, attempts: 1, enqueueTimeoutMs: config.ENQUEUE_TIMEOUT_MS }, QUEUE_NAMES) };
});
afterEach(async () => {
  server.thaw();
  await withTimeout(ctx.queues.close(), 2000).catch(() => undefined);
  redis.disconnect();
  queueRedis.disconnect();
  await server.close();
});

async function timed(req: PromiseLike<request.Response>): Promise<{ status: number; ms: number; text: string }> {
  const started = Date.now();
  const res = await req;
  return { status: res.status, ms: Date.now() - started, text: res.text };
}

// First: the snapshot as last read is kept a few seconds per process (none is kept while missing).
it('when Redis is frozen and there is no snapshot yet, then /public still answers 200 saying the figures are being prepared', async () => {
  await TransparencySnapshot.deleteMany({});
  const app = createApp(ctx);
  server.freeze();
  const page = await timed(request(app).get('/public'));
  expect([page.status, page.ms < BOUND_MS]).toEqual([200, true]);
  expect(page.text).toContain('数据正在准备中');
});

it('when Redis is frozen, then /public and the open-data files answer 200 within 5 s, for a visitor and for a logged-in user alike', async () => {
  await refreshSnapshot(ctx);
  const app = createApp(ctx);
  await givenUser('commission', { username: 'frozen-staff' });
  const staff = browser(app);
  expect((await staff.login('frozen-staff')).status).toBe(302);

  server.freeze();
  for (const [who, agent] of [
    ['visitor', request(app)],
    ['logged-in', staff.agent],
  ] as const) {
    const page = await timed(agent.get('/public'));
    expect([who, page.status, page.ms < BOUND_MS]).toEqual([who, 200, true]);
    expect(page.text).toContain('id="units"');
    const csv = await timed(agent.get('/open-data/cases.csv'));
    expect([who, csv.status, csv.ms < BOUND_MS]).toEqual([who, 200, true]);
  }
});
