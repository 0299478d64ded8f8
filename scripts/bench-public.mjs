#!/usr/bin/env node
// `npm run bench:public`: the public page and the open-data files over a history of cases (default
// 100,000 in two years, each with a handling timeline, and their filers' identity records). Loads
// them through the driver in batches, then times, next to a baseline of the same run (one bare
// read of every case through the raw driver, with the fields the full build reads): the refresh
// job's first build (one pass: the rows, and the month snapshots of the unit figures), a refresh
// with nothing changed, a refresh after one case changed (the patch, plus the month snapshots the
// change made stale: one pass), and the same after the month job had already run. Then measures
// GET /public and the open-data downloads with autocannon on loopback. Uses its own database and
// Redis prefix.
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
    // The case listeners (the change notes the refresh patches from, the stale months) as in the app.
    dist('src/registry.js');
    const { refreshSnapshot } = dist('src/transparency/refresh.service.js');
    const { setPublishable } = dist('src/transparency/transparency.service.js');
    const { monthSnapshots, MONTH_FIELDS } = dist('src/oversight/month-metrics.service.js');
    const { ROW_FIELDS } = dist('src/transparency/rows.js');
    const { SYSTEM } = dist('src/cases/case.timeline.js');
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

    // The baseline: every case read once through the raw driver (what any pass over the cases costs at least).
    const rowFields = Object.fromEntries(Object.entries(ROW_FIELDS).filter(([k]) => k !== 'satisfaction.rating'));
    const baseline = await timed(async () => {
      let n = 0;
      const cursor = db.collection('cases').find({}, { projection: { ...MONTH_FIELDS, ...rowFields }, batchSize: 2000 });
      while (await cursor.next()) n++;
      return n;
    });
    process.stderr.write(`[bench:public] baseline: bare read of ${baseline.value} cases ${baseline.ms.toFixed(0)} ms\n`);
    const refresh = await timed(() => refreshSnapshot(ctx));
    process.stderr.write(`[bench:public] first build ${refresh.ms.toFixed(0)} ms ${JSON.stringify(refresh.value)}\n`);
    const again = await timed(() => refreshSnapshot(ctx));
    process.stderr.write(`[bench:public] nothing changed ${again.ms.toFixed(0)} ms ${JSON.stringify(again.value)}\n`);
    // One case changed through the lifecycle (its publishable mark, as the commission sets it; every
    // 50th case has it already): a change note, stale months.
    const someCase = async (k) => String((await db.collection('cases').find({}, { projection: { _id: 1 } }).skip(k).limit(1).next())._id);
    await setPublishable(ctx, await someCase(101), true, SYSTEM);
    const oneChange = await timed(() => refreshSnapshot(ctx));
    process.stderr.write(`[bench:public] one change ${oneChange.ms.toFixed(0)} ms ${JSON.stringify(oneChange.value)}\n`);
    await setPublishable(ctx, await someCase(201), true, SYSTEM);
    const monthJob = await timed(() => monthSnapshots(ctx, ['2026-09', '2026-10', '2026-11'], { refresh: true }));
    const afterJob = await timed(() => refreshSnapshot(ctx));
    process.stderr.write(`[bench:public] month job ${monthJob.ms.toFixed(0)} ms, then one change ${afterJob.ms.toFixed(0)} ms ${JSON.stringify(afterJob.value)}\n`);

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

    const os = require('node:os');
    const ratio = (t) => `${t.ms.toFixed(0)} ms (${(t.ms / baseline.ms).toFixed(2)}× baseline)`;
    const phases = (t) => Object.entries(t.value.phases).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`\n${CASES.toLocaleString('en')} cases (2025-2026), ${unitIds.length} units; loaded in ${(fill.ms / 1000).toFixed(0)} s; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (${os.cpus().length} cores)`);
    console.log('| step | time | mode, files written / in snapshot | phases (ms) |');
    console.log('| --- | --- | --- | --- |');
    console.log(`| baseline: bare read of every case (raw driver, the full build's fields) | ${baseline.ms.toFixed(0)} ms | ${baseline.value} cases | |`);
    for (const [title, t] of [['first build (no snapshot yet)', refresh], ['again, nothing changed', again], ['after one case changed (months made stale: recomputed)', oneChange], ['after one case changed, month job already run', afterJob]]) {
      console.log(`| ${title} | ${ratio(t)} | ${t.value.mode}, ${t.value.filesWritten} / ${t.value.files} | ${phases(t)} |`);
    }
    console.log(`| (the month job itself: 3 months, one pass) | ${ratio(monthJob)} | | |`);
    console.log(`peak RSS during the first build ${refresh.peakMiB} MiB\n`);
    console.log('| request | req/s | p50 ms | p99 ms | timeouts | status codes |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.title} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.timeouts} | ${r.codes} |`);
  });
});
