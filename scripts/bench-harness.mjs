// What the benchmarks share: building, finding or starting the services, a database of their own,
// and timing a step with the process's peak RSS while it ran (sampled every 50 ms).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, serviceEnv, stopChildren, withDatabase } from './services.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let peakRss = 0;

/** Runs fn, answering its value, its time in ms and the peak RSS in MiB while it ran. */
export async function timed(fn) {
  global.gc?.();
  peakRss = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value, peakMiB: Math.round(peakRss / 1048576) };
}

/** Loads a compiled module of the app (dist/...). */
export const dist = (file) => require(path.join(ROOT, 'dist', file));

/**
 * Runs body({ ctx, mongoose, db }) against a database of its own (emptied before and after, unless
 * `keep`: then the body decides what it reuses) and a Redis prefix of its own, with the app booted
 * as `npm start` boots it; stops what it started.
 * options.indexes: create the app's indexes in the emptied database (as `npm start` has them).
 */
export async function benchRun(database, redisPrefix, body, options = {}) {
  const keep = options.keep ?? false;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  buildIfNeeded();
  const children = [];
  try {
    const env = await serviceEnv(children);
    Object.assign(process.env, { MONGODB_URI: withDatabase(env.MONGODB_URI, database), REDIS_URL: env.REDIS_URL, REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'silent' });
    const mongoose = require('mongoose');
    const ctx = await dist('src/boot.js').boot();
    const db = mongoose.connection.db;
    // The index builds that boot started (autoIndex) must be over before the drop: on FerretDB's
    // PostgreSQL backend, the seed hung twice (every connection idle) when the drop came first,
    // likely a build racing the drop and the first writes.
    const models = mongoose.modelNames().map((name) => mongoose.model(name));
    await Promise.all(models.map((m) => m.init()));
    if (!keep) await db.dropDatabase();
    // With `indexes`, the empty database gets the app's indexes back, as in production.
    if (!keep && options.indexes) for (const m of models) await m.createIndexes();
    try {
      await body({ ctx, mongoose, db });
    } finally {
      if (!keep) await db.dropDatabase();
      await ctx.shutdown();
    }
  } finally {
    clearInterval(sampler);
    await stopChildren(children);
  }
}

export function runMain(main) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
