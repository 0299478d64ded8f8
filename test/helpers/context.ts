import mongoose from 'mongoose';
import type { Redis } from 'ioredis';
import { FixedClock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import type { Context } from '../../src/context';
import { connectMongo } from '../../src/db';
import { createLogger } from '../../src/logger';
import { Queues } from '../../src/platform/jobs/queues';
import { dropLocal, startReferenceSync } from '../../src/platform/reference-cache';
import { QUEUE_NAMES } from '../../src/registry';
import { createFailFastRedis, waitReady } from '../../src/redis';

/** Config for a test file: its own database and Redis key prefix per Jest worker. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const base = process.env.TEST_MONGODB_BASE;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!base || !redisUrl) throw new Error('TEST_MONGODB_BASE/TEST_REDIS_URL missing: run through jest (global setup)');
  const worker = process.env.JEST_WORKER_ID ?? '0';
  const run = process.env.TEST_RUN_ID ?? '0';
  const uri = new URL(base);
  uri.pathname = `/cf_test_${run}_${worker}`;
  return loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `cftest${run}w${worker}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SESSION_SECRET: 'test-session-secret-0123456789',
    RECONCILE_EVERY_SECONDS: '3600',
    ...overrides,
  });
}

/**
 * Connects as the app does (connectMongo), with every model's collection and indexes in place.
 * The worker's database outlives a test file, so its indexes are usually there already: they are
 * listed (cheap) and built only where one is missing, instead of mongoose's automatic build on
 * connect, which asks for every index again in every file. FerretDB takes its global lock for each
 * createIndexes even when nothing is to be built: ~2 s per file for 25 models on a busy machine.
 */
async function connectWithIndexes(uri: string): Promise<void> {
  const models = Object.values(mongoose.models);
  const automatic = models.map((m) => [m.schema.get('autoIndex'), m.schema.get('autoCreate')] as const);
  for (const m of models) m.schema.set('autoIndex', false).set('autoCreate', false);
  try {
    await connectMongo(uri);
    await Promise.all(models.map((m) => m.init()));
  } finally {
    // Only the automatic build on this connect is skipped; a later connect or model behaves as before.
    models.forEach((m, i) => m.schema.set('autoIndex', automatic[i]![0]).set('autoCreate', automatic[i]![1]));
  }
  const existing = new Set((await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  await Promise.all(
    models.map(async (m) => {
      if (!existing.has(m.collection.collectionName)) await m.createCollection();
      if ((await m.diffIndexes()).toCreate.length) await m.createIndexes();
    }),
  );
}

export interface TestContext extends Context {
  clock: FixedClock;
  queueRedis: Redis;
  close(): Promise<void>;
}

export async function createTestContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const config = testConfig(overrides);
  await connectWithIndexes(config.MONGODB_URI);
  const redis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  const queueRedis = createFailFastRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', () => undefined);
  queueRedis.on('error', () => undefined);
  await Promise.all([waitReady(redis), waitReady(queueRedis)]);
  const queues = new Queues(queueRedis, { prefix: config.REDIS_PREFIX, attempts: 3, enqueueTimeoutMs: config.ENQUEUE_TIMEOUT_MS }, QUEUE_NAMES);
  // As in boot(): writes to reference data here reach the worker processes a test starts.
  const stopReferenceSync = startReferenceSync({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, publisher: redis, logger: createLogger(config.LOG_LEVEL), maxAgeSeconds: config.REFERENCE_MAX_AGE_SECONDS });
  const ctx: TestContext = {
    config,
    clock: new FixedClock(new Date('2026-03-02T02:00:00Z')),
    logger: createLogger(config.LOG_LEVEL),
    queues,
    redis,
    queueRedis,
    async close() {
      await stopReferenceSync();
      await queues.close();
      redis.disconnect();
      queueRedis.disconnect();
      await mongoose.disconnect();
    },
  };
  return ctx;
}

/** Empties every collection (keeping indexes; GridFS too) and every Redis key of this worker's prefix. */
export async function resetData(ctx: Pick<Context, 'config' | 'redis'>): Promise<void> {
  const collections = await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.map((c) => clearCollection(c.name)));
  // Emptied with the raw driver, which the reference cache's mongoose hooks do not see.
  dropLocal();
  await clearRedis(ctx);
}

/** Deletes a collection's documents, keeping its indexes. */
export async function clearCollection(name: string): Promise<void> {
  try {
    await mongoose.connection.db!.collection(name).deleteMany({});
  } catch (err) {
    // A very large collection (a scale test's) is dropped instead: FerretDB's SQLite backend cannot
    // delete it in one statement (too many SQL variables); its indexes are then built again.
    if (!/too many SQL variables/.test((err as Error).message)) throw err;
    await mongoose.connection.db!.collection(name).drop();
    await Promise.all(Object.values(mongoose.models).filter((m) => m.collection.collectionName === name).map((m) => m.createIndexes()));
  }
}

/**
 * Unlinks every Redis key of this worker's prefix: the queues' keys (BullMQ's are
 * `<prefix>:<queue>:...`, so this is what obliterating each queue did), sessions, rate limits.
 */
export async function clearRedis(ctx: Pick<Context, 'config' | 'redis'>): Promise<void> {
  let cursor = '0';
  do {
    // Redis is shared by every helper's run: a large COUNT walks its keyspace in few round trips.
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `${ctx.config.REDIS_PREFIX}:*`, 'COUNT', 5000);
    if (keys.length) await ctx.redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
