#!/usr/bin/env node
// `npm run bench:dashboard`: the commission's dashboard on BENCH_DASHBOARD_CASES cases (default
// 100,000) on the configured MongoDB-compatible server (FerretDB here: no secondary indexes, a
// find on cases scans them all). Loads the cases straight through the driver (insertMany in
// batches: the lifecycle never sees them), rebuilds the counters and computes the month snapshots
// as the recovery job and the snapshot job do, then times the whole page over HTTP (session,
// render) per period, with and without a series filter, BENCH_DASHBOARD_RUNS times each, every
// page right after a GET /healthz on the same process (its baseline: on a loaded machine the
// ratio means more than the milliseconds), and writes its section of BENCHMARKS.md.
// BENCH_DASHBOARD_KEEP=1 keeps the database afterwards and reuses its cases when they are all
// there (the counters are rebuilt all the same, unless BENCH_DASHBOARD_REBUILD=0: only when the
// counters' code has not changed since), so a second run skips the loading.
import os from 'node:os';
import path from 'node:path';
import { replaceSection } from './bench/benchmarks-md.mjs';
import { benchRun, dist, ROOT, runMain, timed } from './bench-harness.mjs';
import { get, login } from './bench/http-client.mjs';

const SIZE = Number(process.env.BENCH_DASHBOARD_CASES ?? 100000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 20);
const KEEP = process.env.BENCH_DASHBOARD_KEEP === '1';
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

const VIEWS = [
  ['week', 'period=week'],
  ['month (by week)', 'period=month'],
  ['quarter (by month)', 'period=quarter'],
  ['year (by month)', 'period=year'],
  ['year by week', 'period=year&bucket=week'],
  ['month, window-service series', 'period=month&series=window_service'],
  ['year, law-enforcement series', 'period=year&series=law_enforcement'],
];
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const ms = (v) => `${v.toFixed(0)} ms`;

runMain(() =>
  benchRun(
    process.env.BENCH_DASHBOARD_DB ?? 'cf_bench_dashboard',
    'cfbenchdash',
    async ({ ctx, mongoose, db }) => {
      const { seedReferenceData } = dist('src/seed/seed.service.js');
      const { rebuildCounters } = dist('src/oversight/counters.service.js');
      const { computeMonths } = dist('src/oversight/month-metrics.service.js');
      const { createApp } = dist('src/app.js');
      const { hashPassword } = dist('src/users/password.js');
      const { User } = dist('src/users/user.model.js');
      const loadAtStart = load();
      const cases = db.collection('cases');
      const reuse = KEEP && (await cases.estimatedDocumentCount()) === SIZE;
      if (!reuse) await db.dropDatabase();
      await seedReferenceData();
      ctx.clock = { now: () => NOW };
      let fill = null;
      if (!reuse) {
        const unitIds = (await db.collection('units').find({}, { projection: { _id: 1 } }).toArray()).map((u) => u._id);
        const random = rng(11);
        fill = await timed(async () => {
          for (let have = 0; have < SIZE; have += 5000) await cases.insertMany(Array.from({ length: Math.min(5000, SIZE - have) }, (_, k) => aCase(have + k, unitIds, random, mongoose)), { ordered: false });
        });
        process.stderr.write(`[bench:dashboard] ${SIZE.toLocaleString('en')} cases loaded in ${(fill.ms / 1000).toFixed(0)} s\n`);
      } else process.stderr.write(`[bench:dashboard] reusing the ${SIZE.toLocaleString('en')} cases kept by the last run\n`);
      const scan = await timed(() => cases.countDocuments({ status: { $in: ['assigned', 'acknowledged'] } }));
      const rebuild = reuse && process.env.BENCH_DASHBOARD_REBUILD === '0' ? null : await timed(() => rebuildCounters(ctx));
      if (rebuild) process.stderr.write(`[bench:dashboard] counters rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s\n`);
      const months = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
      const haveSnapshots = reuse && (await db.collection('oversight_month_metrics').countDocuments({})) === months.length;
      const snapshots = haveSnapshots ? null : await timed(() => computeMonths(ctx, months));
      if (snapshots) process.stderr.write(`[bench:dashboard] month snapshots (11 months, one pass) in ${(snapshots.ms / 1000).toFixed(1)} s\n`);
      const sizes = {};
      for (const name of ['oversight_counts', 'oversight_day_counts', 'oversight_unit_counts', 'oversight_unit_day_counts', 'oversight_month_metrics']) {
        const docs = await db.collection(name).find({}).toArray();
        sizes[name] = { n: docs.length, kib: Math.round(docs.reduce((n, d) => n + JSON.stringify(d).length, 0) / 1024) };
      }

      const app = createApp(ctx);
      const server = app.listen(0);
      const port = server.address().port;
      try {
        await User.deleteMany({ username: 'bench-commission' });
        await User.create({ username: 'bench-commission', displayName: 'Bench', role: 'commission', passwordHash: await hashPassword('Bench-Pass-2026') });
        const cookie = await login(port, 'bench-commission', 'Bench-Pass-2026', '/commission');
        const rows = [];
        for (const [label, query] of VIEWS) {
          const page = [];
          const base = [];
          let bytes = 0;
          for (let i = 0; i < RUNS; i++) {
            const h = await get(port, '/healthz', '');
            if (h.status !== 200) throw new Error(`healthz ${h.status}`);
            base.push(h.ms);
            const p = await get(port, `/commission?${query}`, cookie);
            if (p.status !== 200) throw new Error(`page ${p.status}`);
            page.push(p.ms);
            bytes = p.body.length;
          }
          rows.push({ label, query, page: stats(page), base: stats(base), kib: Math.round(bytes / 1024) });
          process.stderr.write(`[bench:dashboard] ${label}: ${ms(stats(page).median)} (healthz ${ms(stats(base).median)})\n`);
        }
        const loadAtEnd = load();
        const lines = [
          '## Commission dashboard on 100,000 cases (issue 11)',
          '',
          `\`npm run bench:dashboard\`, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average (1/5/15 min) ${loadAtStart} at the start, ${loadAtEnd} at the end (the machine is shared).`,
          `${SIZE.toLocaleString('en')} cases of 2026 on FerretDB (SQLite); a find on cases (the open ones) took ${ms(scan.ms)}; ${fill ? `loading took ${(fill.ms / 1000).toFixed(0)} s, ` : 'cases reused from the last run, '}${rebuild ? `counters rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s` : 'counters kept from the last run'}${snapshots ? `, 11 month snapshots in ${(snapshots.ms / 1000).toFixed(1)} s` : ''}.`,
          `Counter collections: ${Object.entries(sizes).map(([k, v]) => `${k} ${v.n} documents, ${v.kib} KiB`).join('; ')}.`,
          '',
          `The whole page \`GET /commission\` as the commission (session, figures, render), ${RUNS} times per view, each right after \`GET /healthz\` (a Mongo and Redis ping) on the same process; the ratio is what survives a loaded machine.`,
          '',
          '| view | page median | page p95 | /healthz median | /healthz p95 | median ratio | page size |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...rows.map((r) => `| ${r.label} (\`?${r.query}\`) | ${ms(r.page.median)} | ${ms(r.page.p95)} | ${ms(r.base.median)} | ${ms(r.base.p95)} | ${(r.page.median / r.base.median).toFixed(1)}× | ${r.kib} KiB |`),
        ];
        console.log(`\n${lines.join('\n')}\n`);
        replaceSection(path.join(ROOT, 'BENCHMARKS.md'), 'dashboard', lines.join('\n'));
      } finally {
        server.close();
      }
    },
    { keep: KEEP },
  ),
);
