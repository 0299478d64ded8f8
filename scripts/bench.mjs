#!/usr/bin/env node
// `npm run bench`: throughput and memory of the main pages against a baseline measured in the
// same run (these machines are noisy: compare ratios, not absolute numbers). Loopback only,
// bounded in time. Builds first if needed; uses the same services as `npm start`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMongo, ensureRedis, stopChildren, withDatabase } from './services.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

function build() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function main() {
  build();
  const mongo = await ensureMongo();
  const redis = await ensureRedis();
  process.env.MONGODB_URI = withDatabase(mongo.uri, 'cf_bench');
  process.env.REDIS_URL = redis.url;
  process.env.REDIS_PREFIX = 'cfbench';
  process.env.LOG_LEVEL = 'silent';
  // As in production: compiled views are cached (in development every request recompiles them).
  process.env.NODE_ENV = 'production';
  process.env.SESSION_SECRET = 'bench-only-session-secret-0123456789';
  // The bench floods the intake from one IP on purpose.
  process.env.INTAKE_LIMIT_PER_HOUR = '1000000';
  process.env.TRACK_LIMIT_PER_10MIN = '1000000';

  const { boot } = require(path.join(ROOT, 'dist/src/boot.js'));
  const { createApp } = require(path.join(ROOT, 'dist/src/app.js'));
  const { seedReferenceData } = require(path.join(ROOT, 'dist/src/seed/seed.service.js'));
  const { fileComplaint } = require(path.join(ROOT, 'dist/src/intake/filing.service.js'));
  const { buildCalendar, addWorkingDays } = require(path.join(ROOT, 'dist/src/calendar/working-days.js'));
  const { SHIPPED_YEARS } = require(path.join(ROOT, 'dist/src/calendar/holidays.data.js'));
  const autocannon = require('autocannon');

  const ctx = await boot();
  await seedReferenceData();
  const filed = await fileComplaint(ctx, { categoryCode: 'other', description: '压测用投诉，内容足够长。' }, { channel: 'web' });
  const server = createApp(ctx).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;

  const run = (title, opts) =>
    new Promise((resolve, reject) =>
      autocannon({ url: base + opts.path, connections: 10, duration: SECONDS, ...opts }, (err, res) => (err ? reject(err) : resolve({ title, rps: res.requests.average, p99: res.latency.p99, errors: res.errors + res.non2xx, codes: JSON.stringify(res.statusCodeStats) }))),
    );

  const probe = await fetch(`${base}/api/v1/tracking`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: filed.trackingCode, secret: filed.trackingSecret }) });
  if (!probe.ok) throw new Error(`tracking probe answered ${probe.status}: ${await probe.text()}`);

  const rssBefore = process.memoryUsage().rss;
  const results = [];
  results.push(await run('GET /healthz (baseline: MongoDB and Redis pings, schedules and pause flags read)', { path: '/healthz' }));
  results.push(await run('GET /complaints/new (form with 70 units, session + CSRF)', { path: '/complaints/new' }));
  results.push(
    await run('POST /api/v1/tracking (code + secret look-up)', {
      path: '/api/v1/tracking',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: filed.trackingCode, secret: filed.trackingSecret }),
    }),
  );
  const rssAfter = process.memoryUsage().rss;

  // Pure logic: 20 working days over the shipped calendar, against plain date stepping.
  const cal = buildCalendar(SHIPPED_YEARS);
  const N = 20000;
  let t = process.hrtime.bigint();
  let sink = 0; // kept and printed so the loop is not optimised away
  for (let i = 0; i < N; i++) {
    let d = Date.UTC(2026, 0, 5);
    for (let k = 0; k < 28; k++) d = new Date(d + 86400000).getTime();
    sink += d;
  }
  const baseNs = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) addWorkingDays('2026-09-18', 20, cal);
  const calNs = Number(process.hrtime.bigint() - t);

  const base0 = results[0].rps;
  console.log(`\nbench (${SECONDS}s each, 10 connections, loopback)`);
  for (const r of results) {
    console.log(`${r.title}\n  ${r.rps.toFixed(0)} req/s  (${(r.rps / base0).toFixed(2)} x baseline)  p99 ${r.p99} ms  errors/non-2xx ${r.errors}`);
  }
  console.log(`addWorkingDays(20) x ${N}: ${(calNs / N / 1000).toFixed(1)} µs each (${(calNs / baseNs).toFixed(0)} x plain date stepping over 28 days; checksum ${sink % 997})`);
  console.log(`RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssAfter / 2 ** 20).toFixed(0)} MiB after the HTTP runs`);

  server.close();
  await ctx.shutdown();
  await stopChildren([mongo.child, redis.child]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
