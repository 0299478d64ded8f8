// Stops only the servers the global setup started; a server that was already running stays.
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { stopChildren } from '../scripts/services.mjs';

/** Drops this run's databases (cf_test_<run>_<worker>), leaving other runs' alone. */
async function dropRunDatabases() {
  const base = process.env.TEST_MONGODB_BASE;
  const run = process.env.TEST_RUN_ID;
  if (!base || !run) return;
  const require = createRequire(import.meta.url);
  const { MongoClient } = createRequire(require.resolve('mongoose'))('mongodb');
  const client = new MongoClient(base, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) if (name.startsWith(`cf_test_${run}_`)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Deletes this run's Redis keys (prefix cftest<run>w<worker>:). */
async function dropRunKeys() {
  const url = process.env.TEST_REDIS_URL;
  const run = process.env.TEST_RUN_ID;
  if (!url || !run) return;
  const { Redis } = createRequire(import.meta.url)('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `cftest${run}w*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export default async function globalTeardown() {
  await dropRunDatabases();
  await dropRunKeys();
  // The reference data the first file seeded, kept for the others (test/helpers/reference-data.ts).
  if (process.env.TEST_RUN_ID) await rm(`${tmpdir()}/cf-reference-${process.env.TEST_RUN_ID}.bson`, { force: true });
  const children = globalThis.__SERVICES__ ?? [];
  globalThis.__SERVICES__ = undefined;
  await stopChildren(children);
}
