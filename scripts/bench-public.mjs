#!/usr/bin/env node
// `npm run bench:public`: the public page and the open-data files over a history of cases (default
// 100,000 in two years, each with a handling timeline, and their filers' identity records). Loads
// them through the driver in batches, times the refresh job's work (refreshSnapshot: one pass over
// the cases for the rows, one for the unit metrics), then measures GET /public and the open-data
// downloads with autocannon on loopback. Uses its own database and Redis prefix.
import { createRequire } from 'node:module';
import { benchRun, dist, runMain, timed } from './bench-harness.mjs';

const require = createRequire(import.meta.url);
const CASES = Number(process.env.BENCH_PUBLIC_CASES ?? 100000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = 5000;

/** A deterministic pseudo-random stream, so every run builds the same history. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const CHANNELS = ['web', 'web', 'web', 'phone', 'visit', 'letter', 'supervisor', 'campaign', 'api'];

/** A case of 2025 or 2026 (to 2026-11-20) at one unit; most resolved, some still in hand. */
function aCase(i, unitIds, random, mongoose) {
  const unitId = unitIds[i % unitIds.length];
  const start = Date.UTC(2025, 0, 2) + Math.floor(random() * 685) * 86400000;
  const at = (days) => new Date(start + days * 86400000);
  const done = start < Date.UTC(2026, 10, 1) || random() < 0.3;
  const onTime = random() < 0.85;
  const timeline = [
    { at: at(0), action: 'submitted', unitId: null },
    { at: at(0.1), action: 'assigned', unitId },
    { at: at(random() < 0.1 ? 3 : 1), action: 'signed', unitId },
    { at: at(2), action: 'contacted', unitId },
  ];
  if (done) timeline.push({ at: at(10), action: 'reported', unitId }, { at: at(12), action: 'accepted', unitId, data: { onTime, outcome: 'resolved' } });
  const rating = done ? ['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', null][Math.floor(random() * 5)] : null;
  const year = new Date(start).getUTCFullYear();
  return {
    _id: new mongoose.Types.ObjectId(),
    number: `${year}-${String(i).padStart(6, '0')}`,
    status: done ? 'closed' : 'acknowledged',
    channel: CHANNELS[i % CHANNELS.length],
    categoryCode: 'other',
    description: `压测用投诉第${i}号：窗口办事拖延，群众多次往返，联系电话1390000${String(i % 10000).padStart(4, '0')}。`,
    place: '城关镇某路某号',
    submittedAt: at(0),
    assignedUnitId: unitId,
    unitHistory: [unitId],
    deadlineAt: at(15),
    signDueAt: at(1),
    resolvedAt: done ? at(12) : null,
    resolvedOnTime: done ? onTime : null,
    publishable: i % 50 === 0,
    publicReply: done ? { at: at(12), text: '您反映的问题已查实并整改，感谢监督。' } : null,
    satisfaction: rating ? { rating } : null,
    timeline,
  };
}

const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

runMain(async () => {
  // As in production: compiled views are cached.
  Object.assign(process.env, { NODE_ENV: 'production', SESSION_SECRET: 'bench-only-session-secret-0123456789' });
  await benchRun('cf_bench_public', 'cfbenchpub', async ({ ctx, mongoose, db }) => {
    const { seedReferenceData } = dist('src/seed/seed.service.js');
    const { refreshSnapshot } = dist('src/transparency/transparency.service.js');
    const { createApp } = dist('src/app.js');
    const autocannon = require('autocannon');
    await seedReferenceData();
    const unitIds = (await db.collection('units').find({}, { projection: { _id: 1 } }).toArray()).map((u) => u._id);
    ctx.clock = { now: () => new Date(Date.UTC(2026, 10, 20, 2)) };
    const random = rng(11);

    const fill = await timed(async () => {
      for (let have = 0; have < CASES; have += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, CASES - have) }, (_, k) => aCase(have + k, unitIds, random, mongoose));
        await db.collection('cases').insertMany(batch, { ordered: false });
        await db.collection('complainants').insertMany(
          batch.map((c, k) => ({ caseId: c._id, anonymous: false, name: `投诉人${have + k}`, phone: `1380000${String((have + k) % 10000).padStart(4, '0')}`, email: null, trackingCode: `B${have + k}`, secretHash: 'x', identityReads: [] })),
          { ordered: false },
        );
      }
      return CASES;
    });
    process.stderr.write(`[bench:public] ${CASES.toLocaleString('en')} cases and filers loaded in ${(fill.ms / 1000).toFixed(0)} s\n`);

    const refresh = await timed(() => refreshSnapshot(ctx));
    const again = await timed(() => refreshSnapshot(ctx));
    process.stderr.write(`[bench:public] refresh ${refresh.ms.toFixed(0)} ms (again ${again.ms.toFixed(0)} ms), ${refresh.value.files} files, phases ${JSON.stringify(refresh.value.phases)}\n`);

    const server = createApp(ctx).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    const probe = await fetch(`${base}/open-data/cases.csv`);
    const etag = probe.headers.get('etag');
    const allBytes = (await probe.arrayBuffer()).byteLength;
    const yearBytes = (await (await fetch(`${base}/open-data/cases.csv?year=2026`)).arrayBuffer()).byteLength;
    const run = (title, path, headers = {}, connections = 10) =>
      new Promise((resolve, reject) =>
        autocannon({ url: base + path, connections, duration: SECONDS, headers }, (err, res) =>
          err ? reject(err) : resolve({ title, rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, timeouts: res.timeouts, codes: JSON.stringify(res.statusCodeStats) }),
        ),
      );
    const rows = [];
    rows.push(await run('GET / (baseline: the home page, no database read)', '/'));
    rows.push(await run('GET /public (figures of 70 units, 20 recent cases)', '/public'));
    rows.push(await run(`GET /open-data/cases.csv (all years, ${kb(allBytes)})`, '/open-data/cases.csv', {}, 4));
    rows.push(await run(`GET /open-data/cases.csv?year=2026 (${kb(yearBytes)})`, '/open-data/cases.csv?year=2026', {}, 4));
    rows.push(await run('GET /open-data/cases.csv with If-None-Match (304)', '/open-data/cases.csv', { 'if-none-match': etag }));
    rows.push(await run('GET /open-data/cases.json?year=2026', '/open-data/cases.json?year=2026', {}, 4));
    await new Promise((r) => server.close(r));

    console.log(`\n${CASES.toLocaleString('en')} cases (2025-2026), ${unitIds.length} units; loaded in ${(fill.ms / 1000).toFixed(0)} s`);
    console.log(`refresh job (refreshSnapshot): ${refresh.ms.toFixed(0)} ms (${Object.entries(refresh.value.phases).map(([k, v]) => `${k} ${v} ms`).join(', ')}), peak RSS ${refresh.peakMiB} MiB; again: ${again.ms.toFixed(0)} ms\n`);
    console.log('| request | req/s | p50 ms | p99 ms | timeouts | status codes |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.title} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.timeouts} | ${r.codes} |`);
  });
});
