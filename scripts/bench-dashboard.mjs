#!/usr/bin/env node
// `npm run bench:dashboard`: the commission's dashboard on BENCH_DASHBOARD_CASES cases (default
// 100,000) on the configured MongoDB-compatible server (FerretDB here: no secondary indexes, a
// find on cases scans them all). Loads the cases straight through the driver (insertMany in
// batches: the lifecycle never sees them), rebuilds the counters and computes the month snapshots
// as the recovery job and the snapshot job do, then times the dashboard: the service alone and
// the whole page over HTTP (session, render), each period, BENCH_DASHBOARD_RUNS times.
import { benchRun, dist, runMain, timed } from './bench-harness.mjs';
import { get, login } from './bench/http-client.mjs';

const SIZE = Number(process.env.BENCH_DASHBOARD_CASES ?? 100000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 20);
const NOW = new Date('2026-11-27T02:00:00Z'); // a Friday, 10:00 county time
const CHANNELS = ['web', 'web', 'web', 'phone', 'visit', 'letter', 'supervisor', 'campaign', 'open311', 'api'];
const CATEGORIES = ['efficiency', 'attitude', 'inaction', 'favours', 'business_env', 'conduct', 'other'];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A case of 2026 up to NOW: most closed, the last weeks' still open, a few waiting in triage. */
function aCase(i, unitIds, random, mongoose) {
  const unitId = unitIds[i % unitIds.length];
  const day = Math.floor(random() * 330); // 2026-01-01 .. 2026-11-26
  const start = Date.UTC(2026, 0, 1, 2) + day * 86400000;
  const at = (d) => new Date(start + d * 86400000);
  const age = (NOW.getTime() - start) / 86400000;
  const status = age < 3 && random() < 0.1 ? 'triaged' : age < 20 ? (random() < 0.5 ? 'assigned' : 'acknowledged') : age < 30 ? 'resolved' : 'closed';
  const assigned = status !== 'triaged';
  const resolved = status === 'resolved' || status === 'closed';
  const timeline = [{ at: at(0), action: 'submitted', unitId: null }];
  if (assigned) timeline.push({ at: at(0.1), action: 'assigned', unitId }, { at: at(1), action: 'signed', unitId, data: { late: random() < 0.1 } });
  if (resolved) timeline.push({ at: at(10), action: 'reported', unitId }, { at: at(14), action: 'accepted', unitId, data: { onTime: random() < 0.85, outcome: 'resolved' } });
  const deadline = at(14);
  return {
    _id: new mongoose.Types.ObjectId(),
    number: `2026-${String(i).padStart(7, '0')}`,
    status,
    channel: CHANNELS[Math.floor(random() * CHANNELS.length)],
    categoryCode: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
    description: '窗口办事拖延，群众多次往返。',
    submittedAt: at(0),
    assignedUnitId: assigned ? unitId : null,
    unitHistory: assigned ? [unitId] : [],
    deadlineDate: assigned ? deadline.toISOString().slice(0, 10) : null,
    deadlineAt: assigned ? deadline : null,
    signDueAt: assigned ? at(1) : null,
    noticeId: assigned ? new mongoose.Types.ObjectId() : null,
    resolvedAt: resolved ? at(14) : null,
    satisfaction: resolved ? { rating: ['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'][Math.floor(random() * 4)] } : null,
    escalationEvents: [],
    assignmentNo: assigned ? 1 : 0,
    timeline,
  };
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], max: s[s.length - 1] };
}


runMain(() =>
  benchRun('cf_bench_dashboard', 'cfbenchdash', async ({ ctx, mongoose, db }) => {
    const { seedReferenceData } = dist('src/seed/seed.service.js');
    const { rebuildCounters } = dist('src/oversight/counters.service.js');
    const { computeMonths } = dist('src/oversight/month-metrics.service.js');
    const { dashboard } = dist('src/oversight/dashboard.service.js');
    const { createApp } = dist('src/app.js');
    const { hashPassword } = dist('src/users/password.js');
    const { User } = dist('src/users/user.model.js');
    await seedReferenceData();
    ctx.clock = { now: () => NOW };
    const unitIds = (await db.collection('units').find({}, { projection: { _id: 1 } }).toArray()).map((u) => u._id);
    const random = rng(11);
    const cases = db.collection('cases');
    const fill = await timed(async () => {
      for (let have = 0; have < SIZE; have += 5000) await cases.insertMany(Array.from({ length: Math.min(5000, SIZE - have) }, (_, k) => aCase(have + k, unitIds, random, mongoose)), { ordered: false });
    });
    process.stderr.write(`[bench:dashboard] ${SIZE.toLocaleString('en')} cases loaded in ${(fill.ms / 1000).toFixed(0)} s\n`);
    const scan = await timed(() => cases.countDocuments({ status: { $in: ['assigned', 'acknowledged'] } }));
    const rebuild = await timed(() => rebuildCounters(ctx));
    process.stderr.write(`[bench:dashboard] counters rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s\n`);
    const months = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
    const snapshots = await timed(() => computeMonths(ctx, months));
    process.stderr.write(`[bench:dashboard] month snapshots (11 months, one pass) in ${(snapshots.ms / 1000).toFixed(1)} s\n`);

    const app = createApp(ctx);
    const server = app.listen(0);
    const port = server.address().port;
    try {
      await User.create({ username: 'bench-commission', displayName: 'Bench', role: 'commission', passwordHash: await hashPassword('Bench-Pass-2026') });
      const cookie = await login(port, 'bench-commission', 'Bench-Pass-2026', '/commission');
      const rows = [];
      for (const period of ['week', 'month', 'quarter', 'year']) {
        const service = [];
        const page = [];
        for (let i = 0; i < RUNS; i++) {
          service.push((await timed(() => dashboard(ctx, { period }))).ms);
          const p = await get(port, `/commission?period=${period}`, cookie);
          if (p.status !== 200) throw new Error(`page ${p.status}`);
          page.push(p.ms);
        }
        rows.push({ period, service: stats(service), page: stats(page) });
      }
      console.log(`\n${SIZE.toLocaleString('en')} cases; a find on cases (open ones) took ${scan.ms.toFixed(0)} ms; counters rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s (${rebuild.value.documents} documents); 11 month snapshots in ${(snapshots.ms / 1000).toFixed(1)} s.\n`);
      console.log('| period | dashboard() median | p95 | GET /commission median | p95 | max |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      for (const r of rows) console.log(`| ${r.period} | ${r.service.median.toFixed(0)} ms | ${r.service.p95.toFixed(0)} ms | ${r.page.median.toFixed(0)} ms | ${r.page.p95.toFixed(0)} ms | ${r.page.max.toFixed(0)} ms |`);
    } finally {
      server.close();
    }
  }),
);
