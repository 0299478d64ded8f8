#!/usr/bin/env node
// `npm run bench:scale` (issue 14, goals 3 and 4): do the hot paths follow the open work, not the
// history? For each embedded server (our FerretDB build with SQLite, and with PostgreSQL when one
// is reachable), on a server of its own (never the shared one): loads 1,000 open cases, builds
// the lists and figures the hot paths read, then grows ONE history of closed cases through each
// size (copies made inside the database engine: scripts/bench/history-loader.mjs) and times the
// unit inbox, the triage queue, the overdue board, the escalation sweep and the dashboard figures
// (the /commission page, and a read of the year's month snapshots), beside a case by `_id`, an
// unchanging collection (machine load) and the query the inbox ran before the worklist. Writes
// the goal-3 and goal-4 sections of BENCHMARKS.md (scripts/bench/benchmarks-md.mjs) and prints them.
//   BENCH_SCALE_SIZES=10000,100000,1000000   closed cases on SQLite
//   BENCH_SCALE_PG_SIZES=10000,100000        closed cases on PostgreSQL (goal 4 compares the last common size)
//   BENCH_SCALE_BACKENDS=sqlite                 add postgresql to measure it too (see PG_HANG)
//   BENCH_SCALE_BASELINE_MAX=10000           largest size at which the old inbox query (a scan) is timed
//   BENCH_SCALE_TIMEOUT_MIN=10               a backend whose measuring takes longer is reported as failed
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRun, dist, runMain, ROOT } from './bench-harness.mjs';
import { readSection, replaceSection } from './bench/benchmarks-md.mjs';
import { profileMarkdown, summarizeProfile } from './bench/cpu-profile.mjs';
import { generatedId, generatedNumber, historyLoader } from './bench/history-loader.mjs';
import { get, login } from './bench/http-client.mjs';
import { writeOverview } from './bench/overview.mjs';
import { buildIfNeeded, ensureFerretBinary, freePort, mongoAnswers, postgresUrl, ensurePostgresDatabase, stopChildren } from './services.mjs';

const sizes = (v) => v.split(',').filter(Boolean).map(Number);
const SQLITE_SIZES = sizes(process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000');
const PG_SIZES = sizes(process.env.BENCH_SCALE_PG_SIZES ?? '10000,100000');
const BACKENDS = (process.env.BENCH_SCALE_BACKENDS ?? 'sqlite').split(',');
const BASELINE_MAX = Number(process.env.BENCH_SCALE_BASELINE_MAX ?? 10000);
// In the child: its backend and sizes.
const BACKEND = process.env.BENCH_SCALE_BACKEND;
const SIZES = sizes(process.env.BENCH_SCALE_CHILD_SIZES ?? '');
const OPEN = 1000;
const TEMPLATES = 10; // history cases per copy round: one per unit of the ten the open work is with
const RUNS = 7;
const CAP_MS = 20_000;
const LAST_MEASURED = 'Figures on both backends';
const PG_HANG =
  "FerretDB v1.24's PostgreSQL backend hangs on the app's seed (`Unit.bulkWrite`, 140 upserts in one `update` command): each update's query keeps a pooled connection until the command ends, so after ~45 of them (pool 50) the next waits for a connection for ever (goroutine dump: `pgxpool.Acquire` under `postgresql.(*collection).UpdateAll`; every PostgreSQL session idle). Seen twice on 2026-11-28. A larger pool (`pool_max_conns`) would need PostgreSQL's max_connections above 140. So PostgreSQL is not in the default run (`BENCH_SCALE_BACKENDS=sqlite,postgresql` tries it, with a 10-minute limit).";
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_SCALE_TIMEOUT_MIN ?? 10) * 60_000;
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const log = (msg) => process.stderr.write(`[bench:scale] ${msg}\n`);
const ms = (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0));

/**
 * Times the paths in rounds (each path once per round, in turn, so a burst of load from the
 * machine's other work falls on all of them alike): one warm-up round, then RUNS rounds; median
 * per path in ms. A path whose warm-up took longer than CAP_MS (it reads the history) is not run
 * again: that one time is its figure.
 */
async function timeRounds(paths) {
  const times = Object.fromEntries(paths.map(([key]) => [key, []]));
  const value = {};
  const capped = new Set();
  for (let round = 0; round <= RUNS; round++) {
    for (const [key, fn, , before] of paths) {
      if (capped.has(key)) continue;
      if (before) await before();
      const t0 = process.hrtime.bigint();
      value[key] = await fn();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (round > 0) times[key].push(ms);
      else if (ms > CAP_MS) {
        capped.add(key);
        times[key].push(ms);
      }
    }
  }
  const median = (t) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)];
  // Each round's time over the control's in the same round: the path and the control ran seconds
  // apart, so load that lasts longer than that cancels out.
  const ratio = (key) => (times[key].length === times.control.length ? median(times[key].map((t, i) => t / times.control[i])) : null);
  return Object.fromEntries(paths.map(([key, , count]) => [key, { ms: median(times[key]), ratio: ratio(key), runs: times[key].length, count: count(value[key]) }]));
}

/**
 * One round of the paths under the V8 profiler of this process; answers the summary (where the
 * CPU of this process went) and the round's wall time: the rest is waiting on the server.
 */
async function profiled(paths) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  const t0 = Date.now();
  for (const [, fn, , before] of paths) {
    if (before) await before();
    await fn();
  }
  const wallMs = Date.now() - t0;
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  const file = path.join(os.tmpdir(), `cf-bench-scale-${BACKEND}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  return { wallMs, ...summarizeProfile(file, 6) };
}

/**
 * Runs a repair job that writes <model>'s rows one upsert at a time (`{_id, version: {$lte: v}}`)
 * with those upserts collected and inserted at the end in one batch: the job computes every row
 * as it always does. Needed because FerretDB v1's SQLite backend pushes down only a filter that is
 * `_id` alone (internal/backends/sqlite/collection.go), so each such upsert reads the whole
 * collection: building 1,000 rows one by one read ~500,000 documents (over 6 minutes here under
 * load). The collection must be empty before (each row is then new).
 */
async function batchedUpserts(model, job) {
  if (await model.exists({})) throw new Error(`${model.collection.name} is not empty`);
  const rows = new Map();
  const original = model.updateOne;
  model.updateOne = function (filter, update, options) {
    if (!options?.upsert || !filter?._id || !update?.$set || Object.keys(update).length !== 1) return original.call(this, filter, update, options);
    rows.set(String(filter._id), { _id: filter._id, ...update.$set });
    return Promise.resolve({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
  };
  try {
    await job();
  } finally {
    model.updateOne = original;
  }
  // Through mongoose, as the upserts were: cast, schema defaults and timestamps.
  if (rows.size) await model.insertMany([...rows.values()], { ordered: false });
  return rows.size;
}

/** In the child: one server, every size; prints one JSON line. */
async function measure() {
  await benchRun('cf_bench_scale', `cfbenchscale${process.pid}`, async ({ ctx, mongoose, db }) => {
    const { seedReferenceData } = dist('src/seed/seed.service.js');
    const { Unit } = dist('src/units/unit.model.js');
    const { unitInbox } = dist('src/rectification/inbox.js');
    const { triageQueue } = dist('src/routing/triage.service.js');
    const { overdueBoard, boardQuery } = dist('src/escalation/board.service.js');
    const { sweep } = dist('src/escalation/sweep.job.js');
    const { rebuildWatch } = dist('src/escalation/escalation.service.js');
    const { worklistRebuildJob } = dist('src/cases/worklist-rebuild.job.js');
    const { Worklist } = dist('src/cases/worklist.model.js');
    const { Watch } = dist('src/escalation/escalation.models.js');
    const { rebuildCounters } = dist('src/oversight/counters.service.js');
    const { computeMonths, monthSnapshots } = dist('src/oversight/month-metrics.service.js');
    const { createApp } = dist('src/app.js');
    const { hashPassword } = dist('src/users/password.js');
    const { User } = dist('src/users/user.model.js');
    await seedReferenceData();
    const units = await Unit.find({}, { _id: 1 }).sort({ code: 1 }).limit(TEMPLATES).lean();
    const cases = db.collection('cases');
    // A load indicator: a collection that never changes, timed beside each size. These machines
    // are shared, so a hot path that grows as much as this did not grow with the history.
    const control = db.collection('bench_control');
    await control.insertMany(Array.from({ length: OPEN }, (_, i) => ({ n: i, unit: 'WS01', status: 'acknowledged', deadlineDate: '2026-03-16' })));
    const now = ctx.clock.now();
    const day = 86_400_000;
    const ymd = (d) => d.toISOString().slice(0, 10);

    // The open work: 300 waiting for triage, 700 with ten units (some overdue, some due soon).
    const open = Array.from({ length: OPEN }, (_, i) => {
      const triage = i < 300;
      const unit = units[i % units.length]._id;
      const deadline = new Date(now.getTime() + ((i % 20) - 5) * day);
      const at = new Date(now.getTime() - 20 * day);
      return {
        _id: new mongoose.Types.ObjectId(),
        number: `2026-${String(i + 1).padStart(6, '0')}`,
        status: triage ? (i % 2 ? 'triaged' : 'submitted') : i % 3 ? 'acknowledged' : 'assigned',
        channel: 'web',
        categoryCode: 'efficiency',
        description: '窗口推诿企业开办申请，要求限期整改。'.repeat(3),
        submittedAt: at,
        targetUnitId: unit,
        assignedUnitId: triage ? null : unit,
        unitHistory: triage ? [] : [unit],
        priority: triage ? null : 'normal',
        assignmentNo: triage ? 0 : 1,
        deadlineDays: triage ? null : 15,
        deadlineDate: triage ? null : ymd(deadline),
        deadlineAt: triage ? null : new Date(`${ymd(deadline)}T15:59:59.999Z`),
        noticeId: triage ? null : new mongoose.Types.ObjectId(),
        signedAt: !triage && i % 3 ? at : null,
        returnsCount: 0,
        reopenCount: 0,
        escalationEvents: [],
        stepsDone: [],
        extensions: [],
        sentBackBy: [],
        timeline: [{ at, actor: { kind: 'citizen' }, action: 'submitted', to: 'submitted' }],
        createdAt: at,
        updatedAt: at,
      };
    });
    await cases.insertMany(open, { ordered: false });

    // The precomputed structures the hot paths read, built by their repair jobs from the open
    // cases before any history is loaded: as the lifecycle keeps them, the history of closed
    // cases is not in them (worklist rows go WORKLIST_KEEP_DAYS after closing; counters and month
    // snapshots are per day and month, not per case). Built here, not timed as hot paths.
    const year = now.toISOString().slice(0, 4);
    const months = Array.from({ length: Number(now.toISOString().slice(5, 7)) }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
    const steps = {};
    for (const [name, fn] of [
      ['worklist', () => batchedUpserts(Worklist, () => worklistRebuildJob.handle(ctx, {}))],
      ['watch list', () => batchedUpserts(Watch, () => rebuildWatch(ctx))],
      ['counters', () => rebuildCounters(ctx)],
      ['month snapshots', () => computeMonths(ctx, months)],
    ]) {
      const t0 = Date.now();
      await fn();
      steps[name] = Date.now() - t0;
    }
    const prepared = { ms: Object.values(steps).reduce((a, b) => a + b, 0), steps, worklist: await Worklist.estimatedDocumentCount(), watch: await Watch.countDocuments({ gone: false }) };
    log(`${BACKEND}: built from the open cases: ${Object.entries(steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);

    // The history: TEMPLATES closed cases through the driver (one per unit), then copies of them.
    // Compact (no description, no timeline): no hot path reads them; what is measured is how many
    // there are, and each copy still carries every field an index of the cases covers.
    const old = new Date('2023-05-01T02:00:00Z');
    const templates = units.map((u, k) => ({
      _id: new mongoose.Types.ObjectId(generatedId(k, 0)),
      number: generatedNumber(k, 0),
      status: 'closed',
      channel: 'web',
      categoryCode: 'efficiency',
      submittedAt: old,
      targetUnitId: u._id,
      assignedUnitId: u._id,
      unitHistory: [u._id],
      priority: 'normal',
      assignmentNo: 1,
      deadlineDate: '2023-05-22',
      deadlineAt: new Date('2023-05-22T15:59:59.999Z'),
      resolvedAt: old,
      createdAt: old,
      updatedAt: old,
    }));
    await cases.insertMany(templates, { ordered: false });
    const loader = historyLoader({
      backend: BACKEND,
      sqliteDir: process.env.BENCH_SCALE_SQLITE_DIR,
      postgresUrl: process.env.BENCH_SCALE_PG_URL,
      database: 'cf_bench_scale',
      collection: 'cases',
      templateNumbers: templates.map((t) => t.number),
    });
    const via = loader ? loader.name : 'insertMany through the driver, 5,000 a batch';
    log(`${BACKEND}: history loaded by ${via}`);
    let perTemplate = 1; // copies 0..perTemplate-1 of each template exist
    const grow = async (size) => {
      const to = Math.ceil(size / TEMPLATES);
      if (loader) loader.grow(perTemplate, to);
      else
        for (let a = perTemplate; a < to; a += 500)
          await cases.insertMany(
            templates.flatMap((t, k) => Array.from({ length: Math.min(500, to - a) }, (_, j) => ({ ...t, _id: new mongoose.Types.ObjectId(generatedId(k, a + j)), number: generatedNumber(k, a + j) }))),
            { ordered: false },
          );
      perTemplate = to;
      // Checked: the engine's row count, and the newest copy read back through the driver.
      const k = TEMPLATES - 1;
      const last = await cases.findOne({ _id: new mongoose.Types.ObjectId(generatedId(k, to - 1)) }, { projection: { number: 1, status: 1, assignedUnitId: 1 } });
      if (last?.number !== generatedNumber(k, to - 1) || last.status !== 'closed' || String(last.assignedUnitId) !== String(units[k]._id)) throw new Error(`copy ${generatedId(k, to - 1)} does not read back: ${JSON.stringify(last)}`);
      if (loader && loader.count() !== OPEN + to * TEMPLATES) throw new Error(`expected ${OPEN + to * TEMPLATES} cases, the engine has ${loader.count()}`);
      return to * TEMPLATES;
    };

    // The dashboard page as commission staff see it: the app in this process, a real login.
    await User.create({ username: 'bench-commission', displayName: 'Bench', role: 'commission', passwordHash: await hashPassword('Bench-Pass-2026') });
    const server = createApp(ctx).listen(0);
    const port = server.address().port;
    const cookie = await login(port, 'bench-commission', 'Bench-Pass-2026', '/commission');
    const page = async () => {
      const res = await get(port, '/commission', cookie);
      if (res.status !== 200) throw new Error(`GET /commission answered ${res.status}`);
      return res.body;
    };

    const rows = [];
    const escalation = ctx.queues.get('escalation');
    const unitId = units[0]._id;
    const sample = open[500]._id;
    try {
      for (const size of SIZES) {
        const t1 = Date.now();
        const closed = await grow(size);
        const loadMs = Date.now() - t1;
        const r = { size: closed, loadMs, via, prepared, time: {}, ratio: {}, rows: {} };
        const paths = [
          ['inbox', () => unitInbox(ctx, unitId), (v) => v.rows.length],
          ['triage', () => triageQueue(100), (v) => v.length],
          ['board', () => overdueBoard(ctx, boardQuery.parse({})), (v) => v.length],
          ['sweep', () => sweep(ctx), (v) => v.due, () => escalation.obliterate({ force: true })],
          ['dashboard', page, (v) => `${Math.round(v.length / 1024)} KiB`],
          ['months', () => monthSnapshots(ctx, months), (v) => v.size],
          ['byId', () => cases.findOne({ _id: sample }), () => 1],
          ['control', () => control.find({ status: 'acknowledged' }).toArray(), (v) => v.length],
        ];
        const timed = await timeRounds(paths);
        for (const [key, t] of Object.entries(timed)) {
          r.time[key] = t.ms;
          r.ratio[key] = t.ratio;
          r.rows[key] = t.runs === 1 ? `${t.count}, 1 run` : t.count;
        }
        // The baseline reads every case: once, and only up to BASELINE_MAX (it is linear).
        if (closed <= BASELINE_MAX) {
          const t2 = process.hrtime.bigint();
          await cases.find({ assignedUnitId: unitId, status: { $in: ['assigned', 'sent_back', 'acknowledged', 'responded', 'resolved', 'closed'] } }, { projection: { timeline: 0, description: 0 } }).sort({ deadlineAt: 1 }).limit(500).toArray();
          r.time.oldInbox = Number(process.hrtime.bigint() - t2) / 1e6;
        }
        // Where the time goes at the largest size: one more round, not timed, under the profiler.
        if (size === SIZES[SIZES.length - 1]) r.profile = await profiled(paths);
        await escalation.obliterate({ force: true });
        rows.push(r);
        log(`${BACKEND}: ${closed.toLocaleString('en')} closed (loaded in ${(loadMs / 1000).toFixed(1)} s): ${Object.entries(r.time).map(([k, v]) => `${k} ${ms(v)} ms`).join(', ')}`);
      }
    } finally {
      server.close();
    }
    process.stdout.write(`${JSON.stringify(rows)}\n`);
  }, { indexes: true });
}

/** In the parent: a FerretDB of our own per backend, the child measuring against it. */
async function runBackend(backend, backendSizes) {
  const bin = ensureFerretBinary();
  if (!bin) throw new Error('the FerretDB build needs Go (tools/ferretdb)');
  const port = await freePort();
  const args = ['-listen', `127.0.0.1:${port}`];
  const env = { ...process.env, BENCH_SCALE_BACKEND: backend, BENCH_SCALE_CHILD_SIZES: backendSizes.join(',') };
  let data = null;
  if (backend === 'postgresql') {
    const pg = await postgresUrl();
    if (!pg) return null;
    env.BENCH_SCALE_PG_URL = await ensurePostgresDatabase(pg, 'cf_bench_scale');
    args.push('-postgresql-url', env.BENCH_SCALE_PG_URL);
  } else {
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-scale-'));
    env.BENCH_SCALE_SQLITE_DIR = data;
    args.push('-data', data);
  }
  // The server's own log (warnings and errors) beside the bench's, for a backend that fails.
  const serverLog = path.join(os.tmpdir(), `cf-bench-scale-${backend}.log`);
  const out = fs.openSync(serverLog, 'w');
  const server = spawn(bin, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  try {
    const uri = `mongodb://127.0.0.1:${port}`;
    for (let i = 0; i < 80 && !(await mongoAnswers(uri, 500)); i++) await new Promise((r) => setTimeout(r, 250));
    env.MONGODB_URI = `${uri}/cf_bench_scale`;
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'measure'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 << 20, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    // A hung server (seen once with the PostgreSQL backend: every connection idle, the seed waiting)
    // costs this backend its figures, not the whole run.
    if (child.status !== 0) {
      log(`${backend}: failed; the server's log is ${serverLog}`);
      return { failed: child.error?.code === 'ETIMEDOUT' ? `no answer within ${CHILD_TIMEOUT_MS / 60000} min` : `exit ${child.status ?? child.signal}` };
    }
    return JSON.parse(child.stdout.trim().split('\n').pop());
  } finally {
    await stopChildren([server]);
    if (data) fs.rmSync(data, { recursive: true, force: true });
  }
}

const HOT = [
  ['inbox', 'unit inbox (worklist)'],
  ['triage', 'triage queue (worklist)'],
  ['board', 'overdue board (watch list)'],
  ['sweep', 'escalation sweep (watch list)'],
  ['dashboard', 'dashboard figures: GET /commission (counters, month snapshots)'],
  ['months', 'dashboard figures: the year\'s month snapshots read (monthSnapshots)'],
];
const PRIMITIVES = [
  ['oldInbox', '*baseline: the inbox\'s former query on cases (one run)*'],
  ['byId', '*a case by _id*'],
  ['control', '*control: 1,000 documents of an unchanging collection (machine load)*'],
];
const n = (v) => v.toLocaleString('en');
const grow = (rows, key, i) => (rows[i].time[key] != null && rows[0].time[key] != null ? rows[i].time[key] / rows[0].time[key] : null);
const x = (g) => (g == null ? '' : `x${g.toFixed(2)}`);

/**
 * Growth of a path from the first size to size i relative to the control: of the median of its
 * per-round time over the control's time in the same round. The control is the same kind of read
 * (1,000 documents of a collection that never changes), so what the machine's other work adds
 * cancels out.
 */
const adjusted = (rows, key, i) => (rows[i].ratio?.[key] != null && rows[0].ratio?.[key] != null ? rows[i].ratio[key] / rows[0].ratio[key] : null);

/** The hot paths' table for one backend; answers the lines and the worst growth (path, factor). */
function backendTable(name, rows) {
  const lines = [`### FerretDB + ${name}`, ''];
  const growths = rows.slice(1).map((r) => `x${Math.round(r.size / rows[0].size)}`);
  lines.push(`| path | ${rows.map((r) => `${n(r.size)} closed`).join(' | ')} | ${growths.map((g) => `growth ${g} (raw)`).join(' | ')} | goal (<= 2x, vs control) |`);
  lines.push(`| --- | ${rows.map(() => '---').join(' | ')} | ${growths.map(() => '---').join(' | ')} | --- |`);
  let worst = { name: null, g: 0, raw: 0 };
  for (const [key, label] of HOT) {
    const g = rows.slice(1).map((_, i) => adjusted(rows, key, i + 1));
    const raw = rows.slice(1).map((_, i) => grow(rows, key, i + 1));
    const top = Math.max(...g);
    if (top > worst.g) worst = { name: label, g: top, raw: raw[g.indexOf(top)] };
    lines.push(`| ${label} | ${rows.map((r) => `${ms(r.time[key])} ms (${r.rows[key]})`).join(' | ')} | ${g.map((v, i) => `${x(v)} (${x(raw[i])})`).join(' | ')} | ${top <= 2 ? 'met' : 'NOT met'} |`);
  }
  for (const [key, label] of PRIMITIVES) lines.push(`| ${label} | ${rows.map((r) => (r.time[key] == null ? 'not timed' : `${ms(r.time[key])} ms`)).join(' | ')} | ${rows.slice(1).map((_, i) => (key === 'control' ? x(grow(rows, key, i + 1)) : adjusted(rows, key, i + 1) == null ? '' : `${x(adjusted(rows, key, i + 1))} (${x(grow(rows, key, i + 1))})`)).join(' | ')} | |`);
  const p = rows[0].prepared;
  lines.push('', `Open work: 1,000 cases (300 in triage, 700 with ten units); worklist ${n(p.worklist)} rows, watch list ${n(p.watch)}, counters and month snapshots built by their repair jobs from the open cases in ${(p.ms / 1000).toFixed(1)} s before the history (they are kept by the lifecycle; old closed cases are not in them). History loaded by ${rows[0].via}: ${rows.map((r) => `to ${n(r.size)} in ${(r.loadMs / 1000).toFixed(1)} s`).join(', ')}.`);
  return { lines, worst };
}

function report(results, seconds, previous, load) {
  const g3 = ['## Goal 3: hot paths independent of closed cases', ''];
  const ok = (rows) => (rows && !rows.failed ? rows : null);
  const sq = ok(results.sqlite);
  const pg = ok(results.postgresql);
  const tables = [];
  let worst = null;
  for (const [backend, rows] of Object.entries(results)) {
    if (!rows) continue;
    if (rows.failed) {
      g3.push(`- FerretDB + ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: **not measured** (${rows.failed}) — goal ≤ 2: **not met**.`);
      continue;
    }
    const t = backendTable(backend === 'sqlite' ? 'SQLite' : 'PostgreSQL', rows);
    tables.push(...t.lines, '');
    const range = `${n(rows[0].size)} to ${n(rows[rows.length - 1].size)}`;
    g3.push(`- FerretDB + ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, largest growth of a hot path from ${range} closed cases (same 1,000 open), relative to the control: **x${t.worst.g.toFixed(2)}** (${t.worst.name}; raw x${t.worst.raw.toFixed(2)}) — goal ≤ 2: **${t.worst.g <= 2 ? 'met' : 'not met'}**.`);
    worst = worst && worst.g >= t.worst.g ? worst : t.worst;
  }
  g3.push('- MongoDB: not measured (no MongoDB on these machines, DESIGN §7); on MongoDB the same paths read the same small collections by index.');
  g3.push('', `Median of ${RUNS} rounds after one warm-up round, each round timing every path once in turn (a path whose warm-up took over ${CAP_MS / 1000} s is timed once); rows: what the path returned. Growth is relative to the control (the same kind of read on a collection that never changes): each round's time of the path over the control's in the same round, median over the rounds, at a size over the first size. On a machine shared with other work the raw figures (in brackets: median time at a size over the first size) move by x2-3 between minutes whatever the data. Each server is a FerretDB of the bench's own; one history grows through the sizes. ${load}`, '', ...tables);
  for (const [backend, rows] of Object.entries(results)) {
    const prof = rows && !rows.failed ? rows[rows.length - 1].profile : null;
    if (prof) g3.push('', `<details><summary>Profile: one round of every path at ${n(rows[rows.length - 1].size)} closed cases on ${backend}, ${prof.wallMs} ms of wall time, of which this process's CPU below; the rest is waiting on the server</summary>`, '', profileMarkdown(`bench process, ${backend}`, prof), '', '</details>');
  }
  if (worst && worst.g > 2) g3.push(`Where the time goes: ${worst.name} grew x${worst.g.toFixed(2)} relative to the control; none of these paths reads the cases (worklist, watch list, counters and snapshots by \`_id\`), so a growth is either load the control did not see or a read of a collection that grows with the history; the profile above shows this process waiting on the server most of the round, and by their code these paths query only the worklist, the watch list, the counters and the snapshots.`);

  const g4 = ['## Goal 4: FerretDB with SQLite against PostgreSQL', ''];
  if (!sq || !pg) {
    const why = (b, rows) => (rows === undefined ? `${b} not in BENCH_SCALE_BACKENDS` : !rows ? `${b} not reachable (POSTGRES_URL or 127.0.0.1:5432)` : `${b}: ${rows.failed}`);
    // The last figures measured on both stay, under their date, until a run measures both again.
    const at = previous?.indexOf(LAST_MEASURED) ?? -1;
    const last = at >= 0 ? previous.slice(at).split('\n\nMachine: ')[0] : '';
    const figure = at >= 0 ? /PostgreSQL \/ SQLite[^*]*\*\*([\d.]+)/.exec(previous)?.[1] : null;
    g4.push(`- PostgreSQL / SQLite, hot paths (geometric mean): **${figure ? `${figure} (last measured, see below)` : 'not measured'}** — not measured in this run (${!pg ? why('PostgreSQL', results.postgresql) : why('SQLite', results.sqlite)}); SQLite stays the default (README "Embedded server"): **${figure ? 'met' : 'not met'}**.`);
    g4.push('', PG_HANG);
    if (last.startsWith(LAST_MEASURED)) g4.push('', last);
  } else {
    const size = Math.min(sq[sq.length - 1].size, pg[pg.length - 1].size);
    const a = sq.find((r) => r.size === size);
    const b = pg.find((r) => r.size === size);
    const keys = [...HOT, ['oldInbox', 'a filtered find on cases (the former inbox query)'], ['byId', 'a case by _id (every change, every case page)']];
    const hot = HOT.map(([k]) => b.time[k] / a.time[k]);
    const geo = Math.exp(hot.reduce((s, v) => s + Math.log(v), 0) / hot.length);
    g4.push(`- PostgreSQL / SQLite at ${n(size)} closed cases, a case by _id ${(b.time.byId / a.time.byId).toFixed(2)}, hot paths (geometric mean): **${geo.toFixed(2)}** — measured on both, SQLite stays the default (README "Embedded server"): **met**.`);
    g4.push('', `${LAST_MEASURED} (${new Date().toISOString().slice(0, 10)}, this run; below 1: PostgreSQL faster):`, '', '| figure | SQLite | PostgreSQL | PostgreSQL / SQLite |', '| --- | --- | --- | --- |');
    for (const [key, name] of keys) if (a.time[key] != null && b.time[key] != null) g4.push(`| ${name} | ${ms(a.time[key])} ms | ${ms(b.time[key])} ms | ${(b.time[key] / a.time[key]).toFixed(2)} |`);
    g4.push('', `Growth of a case by _id from ${n(sq[0].size)} to ${n(size)} closed cases: SQLite ${x(a.time.byId / sq[0].time.byId)}, PostgreSQL ${x(b.time.byId / pg[0].time.byId)}. FerretDB v1's PostgreSQL backend pushes filters down as \`_jsonb -> 'field' @> value\`, which its expression indexes cannot serve: every find, \`_id\` included, is a sequential scan in PostgreSQL, while its SQLite backend answers \`_id\` equality from its index and decodes every document for other filters. With the hot paths on small collections, the \`_id\` look-ups decide. PostgreSQL is measured up to ${n(pg[pg.length - 1].size)} closed cases only, to keep the run short.`);
  }
  const machine = `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; FerretDB v1.24.2 (tools/ferretdb); PostgreSQL ${pgVersion() ?? 'n/a'}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. \`npm run bench:scale\` took ${seconds.toFixed(0)} s.`;
  g3.push('', machine);
  g4.push('', machine);
  return { goal3: g3.join('\n'), goal4: g4.join('\n') };
}

function pgVersion() {
  const r = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (/\d+\.\d+/.exec(r.stdout)?.[0] ?? null) : null;
}

const loadAvg = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

async function main() {
  const started = Date.now();
  buildIfNeeded();
  const before = loadAvg();
  const results = {};
  for (const backend of BACKENDS) {
    log(`measuring on FerretDB + ${backend}`);
    results[backend] = await runBackend(backend, backend === 'postgresql' ? PG_SIZES : SQLITE_SIZES);
    if (!results[backend]) log(`${backend}: not reachable, skipped`);
  }
  const text = report(results, (Date.now() - started) / 1000, readSection(OUT, 'goal-4'), `Load average (1, 5, 15 min) at the start ${before}, at the end ${loadAvg()}, on ${os.cpus().length} cores shared with other work.`);
  replaceSection(OUT, 'goal-3', text.goal3);
  replaceSection(OUT, 'goal-4', text.goal4);
  writeOverview(OUT);
  console.log(`${readSection(OUT, 'goal-3')}\n\n${readSection(OUT, 'goal-4')}`);
}

runMain(process.argv[2] === 'measure' ? measure : main);
