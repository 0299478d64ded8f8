#!/usr/bin/env node
// `npm run bench`: issue 14's goals 1, 2, 5 and 6 (database commands per complaint, intake and read
// throughput against bare endpoints measured in the same run, queue hand-off, memory), written to
// their sections of BENCHMARKS.md. The web and the worker run as in production, each in a process
// of its own (compiled, NODE_ENV=production, --cpu-prof), each talking to MongoDB through a counting
// proxy of its own (scripts/bench/wire-proxy.mjs), so every command of either is counted at the wire.
// These machines are noisy: compare ratios within a run, not absolute numbers.
//   BENCH_SECONDS       length of each throughput run (default 8)
//   BENCH_SOAK_SECONDS  length of the memory soak (default 60; the issue asks 600)
//   BENCH_SOAK_RATE     complaints per second during the soak (default: 50, or less when this run
//                       measured less: 80% of the lower of intake and routing throughput)
//   BENCH_ONLY=commands only count the commands per complaint (goal 1's first figure), print them
//   BENCH_MONGODB_URI   a database server to use instead of starting one of the bench's own
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, ensureMongo, ensureRedis, mongoAnswers, mongoServerCommand, stopChildren, withDatabase } from './services.mjs';
import { startWireProxy } from './bench/wire-proxy.mjs';
import { replaceSection } from './bench/benchmarks-md.mjs';
import { newestProfile, profileMarkdown, summarizeProfile } from './bench/cpu-profile.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const SOAK_RATE = process.env.BENCH_SOAK_RATE ? Number(process.env.BENCH_SOAK_RATE) : null;
const COUNTED = 20; // complaints whose commands are counted (goal 1)
const BACKLOG = 100; // complaints queued before the routing worker's throughput run (goal 5)
const DATABASE = 'cf_bench';
const PREFIX = 'cfbench';
const PROFILES = path.join(ROOT, '.data', 'bench-profiles');
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/**
 * A database server of the bench's own (our FerretDB build, or mongod), so the figures are not
 * those of whatever else uses the shared one; BENCH_MONGODB_URI names one to use instead.
 */
async function benchDatabase() {
  if (process.env.BENCH_MONGODB_URI) return { uri: process.env.BENCH_MONGODB_URI, child: null };
  const port = 27100 + Math.floor(Math.random() * 800);
  const dataRoot = path.join(ROOT, '.data', 'bench-db');
  fs.rmSync(dataRoot, { recursive: true, force: true });
  fs.mkdirSync(dataRoot, { recursive: true });
  const server = mongoServerCommand(port, dataRoot);
  if (!server) {
    log('no database server program to start: using the shared one');
    return ensureMongo();
  }
  const out = fs.openSync(path.join(dataRoot, 'server.log'), 'a');
  const child = spawn(server.cmd, server.args, { stdio: ['ignore', out, out] });
  const uri = `mongodb://127.0.0.1:${port}`;
  for (let i = 0; !(await mongoAnswers(uri, 500)); i++) {
    if (child.exitCode !== null || i > 120) throw new Error(`${server.name} did not start; see ${dataRoot}/server.log`);
    await sleep(250);
  }
  return { uri, child };
}

async function startSmtpSink() {
  const { SMTPServer } = require('smtp-server');
  const sink = { count: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        sink.count++;
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `smtp://127.0.0.1:${server.server.address().port}`;
  sink.close = () => new Promise((resolve) => server.close(resolve));
  return sink;
}

function startProcess(name, script, args, env) {
  const dir = path.join(PROFILES, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.profileDir = dir;
  return child;
}

/** RSS of a process in MiB, from /proc (Linux). */
function rssMiB(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Least-squares slope of [minutes, MiB] points, in MiB per minute. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? num / den : 0;
}

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
// Why each command of a complaint is there (goal 1), as of the code this bench runs: what it is
// for and which guarantee (README "What we guarantee") keeps it. Checked against the counted
// table by hand when the code changes; the table above it is measured.
const WHY = [
  ['web', 'findAndModify counters', 1, 'the case number (yearly sequence, `$inc`)'],
  ['web', 'insert cases', 1, 'the case, saved before the answer (no complaint lost); saved as routing-queued, so no second write after the job is added'],
  ['web', 'insert complainants', 1, 'the filer\'s identity, kept apart from the case (units never read it)'],
  ['web', 'update open_cases', 1, 'the worklist row the triage queue reads (goal 3: lists do not scan cases)'],
  ['web', 'findAndModify notifications', 1, 'the receipt owed, recorded before the answer (each mail once, none lost); saved as queued'],
  ['worker', 'find cases', 1, 'the routing job reads the case once and passes it on'],
  ['worker', 'findAndModify cases', 2, 'two atomic claims: the assignment, then the notice on it. One claim would have to take the notice number before the assignment is saved: a lost claim would leave a gap in the gap-free numbering'],
  ['worker', 'find number_hints, insert notices, update number_hints', 3, 'the gap-free notice number: read the hint, claim number and notice in one insert, raise the hint (one process numbers one at a time: no clashes within it)'],
  ['worker', 'update open_cases, update escalation_watch, findAndModify oversight_marks, update oversight_counts, update oversight_month_metrics', 5, 'the derived records of the case (worklist, deadline watch, dashboard counters in one bulk command, month figures marked stale), run once for both claims'],
  ['worker', 'update cases', 1, 'clears the mark the claims set until the derived records are written; a crash before it leaves the mark, and the reconciler writes them'],
  ['worker', 'findAndModify notifications', 1, 'the notice mail owed (upsert on its key: a repeated job mails once)'],
  ['worker', 'find notifications, update notifications', 4, 'per mail: read the record (not sent yet?), then mark it sent after SMTP accepted it (each mail once)'],
  ['worker', 'find complainants, find notices', 2, 'what the two mails say: the filer\'s address (never in a job payload or mail record), the notice text'],
];

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const mark = (ok) => (ok ? '**met**' : '**not met**');

async function main() {
  const started = Date.now();
  const loadAtStart = os.loadavg();
  buildIfNeeded();
  const mongo = await benchDatabase();
  const redis = await ensureRedis();
  const mongoUrl = new URL(mongo.uri);
  process.env.MONGODB_URI = withDatabase(mongo.uri, DATABASE);
  process.env.REDIS_URL = redis.url;
  process.env.REDIS_PREFIX = PREFIX;
  process.env.LOG_LEVEL = 'silent';

  const autocannon = require('autocannon');
  const mongoose = require('mongoose');
  const { Queue, Worker } = require('bullmq');
  const { Redis } = require('ioredis');
  const { boot } = require(path.join(ROOT, 'dist/src/boot.js'));
  const { seedReferenceData } = require(path.join(ROOT, 'dist/src/seed/seed.service.js'));
  const { createApiToken } = require(path.join(ROOT, 'dist/src/auth/auth.service.js'));
  const { User } = require(path.join(ROOT, 'dist/src/users/user.model.js'));
  const { Unit } = require(path.join(ROOT, 'dist/src/units/unit.model.js'));

  // The bench's own connection (seeding, polling) goes straight to the server: it is not counted.
  const ctx = await boot();
  const db = mongoose.connection.db;
  await db.dropDatabase();
  const bullRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  const bullPrefix = { connection: bullRedis, prefix: PREFIX };
  const routing = new Queue('routing', bullPrefix);
  const notifications = new Queue('notifications', bullPrefix);
  await Promise.all([routing.obliterate({ force: true }), notifications.obliterate({ force: true })]);
  await seedReferenceData();
  const user = await User.create({ username: 'bench', displayName: 'bench', role: 'commission', passwordHash: 'x', email: 'bench@county.example' });
  const token = await createApiToken(user._id, 'bench');
  const unit = await Unit.findOne({ active: true }).sort({ code: 1 }).lean();
  const complaint = JSON.stringify({ categoryCode: 'other', unitId: String(unit._id), description: '压测用投诉，内容足够长，指明了单位。', email: 'citizen@example.com' });

  const sink = await startSmtpSink();
  const webProxy = await startWireProxy(mongoUrl.hostname, Number(mongoUrl.port || 27017));
  const workerProxy = await startWireProxy(mongoUrl.hostname, Number(mongoUrl.port || 27017));
  const viaProxy = (port) => withDatabase(`mongodb://127.0.0.1:${port}${mongoUrl.search}`, DATABASE);
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    REDIS_PREFIX: PREFIX,
    SMTP_URL: sink.url,
    SESSION_SECRET: 'bench-only-session-secret-0123456789',
    // The bench floods the intake from one IP on purpose.
    INTAKE_LIMIT_PER_HOUR: '1000000',
    TRACK_LIMIT_PER_10MIN: '1000000',
    // Periodic sweeps are not per-complaint work: kept out of the counted window.
    RECONCILE_EVERY_SECONDS: '3600',
    CLOSE_SWEEP_EVERY_SECONDS: '3600',
    ESCALATION_SWEEP_EVERY_SECONDS: '3600',
  };
  const webPort = 3400 + Math.floor(Math.random() * 500);
  const barePort = webPort + 1;
  const web = startProcess('web', 'dist/src/server.js', [], { ...env, PORT: String(webPort), MONGODB_URI: viaProxy(webProxy.port) });
  const worker = startProcess('worker', 'dist/workers/index.js', [], { ...env, MONGODB_URI: viaProxy(workerProxy.port) });
  const bare = spawn(process.execPath, [path.join(ROOT, 'scripts/bench/bare-app.mjs'), String(barePort), process.env.MONGODB_URI], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const children = [web, worker, bare];
  const base = `http://127.0.0.1:${webPort}`;
  const bareBase = `http://127.0.0.1:${barePort}`;
  const auth = { authorization: `Bearer ${token}` };

  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      const bareOk = await fetch(`${bareBase}/complaints/new`).then((r) => r.ok, () => false);
      const workers = await routing.getWorkersCount();
      if (ok && bareOk && workers > 0) break;
      if (i > 240) throw new Error('web, worker or bare app did not start within 60 s');
      await sleep(250);
    }

    const file = () => fetch(`${base}/api/v1/complaints`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: complaint }).then(async (r) => {
      if (r.status !== 201) throw new Error(`filing answered ${r.status}: ${await r.text()}`);
      return r.json();
    });
    const idle = async () => {
      const [r, n] = await Promise.all([routing.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), notifications.getJobCounts('waiting', 'active', 'delayed', 'prioritized')]);
      return Object.values(r).concat(Object.values(n)).every((x) => x === 0);
    };
    /** Until every complaint filed so far is routed, noticed and mailed (2 mails each: receipt, notice). */
    const settle = async (timeoutMs = 300_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const filed = await db.collection('cases').countDocuments({});
        if (sink.count >= 2 * filed && (await idle())) {
          const quiet = Math.max(webProxy.counter.lastAt, workerProxy.counter.lastAt);
          if (Date.now() - quiet > 1000) return;
        }
        if (Date.now() > until) throw new Error(`not settled: ${sink.count} mails for ${filed} cases`);
        await sleep(200);
      }
    };
    const cannon = (url, opts = {}) =>
      new Promise((resolve, reject) =>
        autocannon({ url, connections: 10, duration: SECONDS, ...opts }, (err, res) =>
          err ? reject(err) : resolve({ rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, bad: res.errors + res.non2xx + res.timeouts, sent: res.requests.sent, codes: res.statusCodeStats })),
      );
    const fileOpts = (extra = {}) => ({ method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: complaint, ...extra });

    // ---- Goal 1: commands per complaint, at the wire -------------------------------------------
    log('warm-up');
    for (let i = 0; i < 5; i++) await file();
    await settle();
    webProxy.counter.reset();
    workerProxy.counter.reset();
    log(`counting the commands of ${COUNTED} complaints`);
    for (let i = 0; i < COUNTED; i += 4) await Promise.all([file(), file(), file(), file()]);
    await settle();
    const cmd = {
      web: webProxy.counter.total / COUNTED,
      worker: workerProxy.counter.total / COUNTED,
      webTable: webProxy.counter.table(),
      workerTable: workerProxy.counter.table(),
      byName: Object.entries({ ...webProxy.counter.byName() }).reduce((acc, [k, v]) => ({ ...acc, [k]: (acc[k] ?? 0) + v }), { ...workerProxy.counter.byName() }),
    };
    cmd.total = cmd.web + cmd.worker;
    log(`commands per complaint: ${cmd.total.toFixed(1)} ${JSON.stringify({ web: cmd.webTable, worker: cmd.workerTable })}`);
    if (process.env.BENCH_ONLY === 'commands') return;
    // What one command costs here, one at a time with nothing else running: an update (serialized
    // by our FerretDB wrapper for atomicity), an insert, a find by _id.
    const probe = db.collection('bench_probe');
    const { insertedId } = await probe.insertOne({ n: 0 });
    const costOf = async (fn, n = 100) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await fn(i);
      return Number(process.hrtime.bigint() - t0) / 1e6 / n;
    };
    const cost = {
      insert: await costOf((i) => probe.insertOne({ n: i })),
      update: await costOf(() => probe.updateOne({ _id: insertedId }, { $inc: { n: 1 } })),
      findAndModify: await costOf(() => probe.findOneAndUpdate({ _id: insertedId }, { $inc: { n: 1 } })),
      find: await costOf(() => probe.findOne({ _id: insertedId })),
    };
    await probe.drop();

    // ---- Goal 1: intake throughput vs bare insert; p99 at 10/s ----------------------------------
    log('intake throughput');
    const bareInsert = await cannon(`${bareBase}/insert`, fileOpts({ headers: { 'content-type': 'application/json' } }));
    const intake = await cannon(`${base}/api/v1/complaints`, fileOpts());
    await settle();
    log('intake at a steady 10/s');
    const steady10 = await cannon(`${base}/api/v1/complaints`, fileOpts({ overallRate: 10, duration: Math.max(10, SECONDS) }));
    await settle();

    // ---- Goal 2: reads --------------------------------------------------------------------------
    log('reads');
    const caseId = String((await db.collection('cases').findOne({}, { projection: { _id: 1 } }))._id);
    const rawFind = await cannon(`${bareBase}/cases/${caseId}`);
    const caseById = await cannon(`${base}/api/v1/cases/${caseId}`, { headers: auth });
    const bareForm = await cannon(`${bareBase}/complaints/new`);
    const form = await cannon(`${base}/complaints/new`);

    // ---- Goal 5: hand-off at a steady 50/s, then the routing worker against a no-op worker ------
    log('queue hand-off at 50/s');
    const handoffFrom = Date.now();
    const steady50 = await cannon(`${base}/api/v1/complaints`, fileOpts({ overallRate: 50, connections: 20, duration: Math.max(10, SECONDS) }));
    await settle();
    const routeJobs = (await routing.getJobs(['completed'], 0, -1)).filter((j) => j.name === 'route-case' && j.timestamp >= handoffFrom);
    const waits = routeJobs.map((j) => j.processedOn - j.timestamp).sort((a, b) => a - b);

    log(`routing worker on a backlog of ${BACKLOG}`);
    await routing.pause();
    const backlogFrom = Date.now();
    for (let i = 0; i < BACKLOG; i += 10) await Promise.all(Array.from({ length: 10 }, file));
    await routing.resume();
    await settle();
    const throughputOf = (jobs) => {
      const first = Math.min(...jobs.map((j) => j.processedOn));
      const last = Math.max(...jobs.map((j) => j.finishedOn));
      return (1000 * jobs.length) / Math.max(1, last - first);
    };
    const backlogJobs = (await routing.getJobs(['completed'], 0, -1)).filter((j) => j.name === 'route-case' && j.timestamp >= backlogFrom);
    const routingRate = throughputOf(backlogJobs);
    const noopQueue = new Queue('bench-noop', bullPrefix);
    await noopQueue.obliterate({ force: true });
    await noopQueue.addBulk(Array.from({ length: BACKLOG }, (_, i) => ({ name: 'noop', data: { caseId: String(i).padStart(24, '0') }, opts: { removeOnComplete: { count: 1000 } } })));
    // The same concurrency as the app's workers (src/platform/jobs/worker.ts).
    const noopRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
    const noop = new Worker('bench-noop', async () => undefined, { connection: noopRedis, prefix: PREFIX, concurrency: 4 });
    while ((await noopQueue.getCompletedCount()) < BACKLOG) await sleep(50);
    const noopRate = throughputOf(await noopQueue.getJobs(['completed'], 0, -1));
    await noop.close();
    noopRedis.disconnect();
    await noopQueue.obliterate({ force: true });
    await noopQueue.close();

    // ---- Goal 6: memory under sustained intake at 50/s ------------------------------------------
    // The issue asks 50/s; held only if the system sustains it, else the trend would be the backlog's.
    const soakRate = SOAK_RATE ?? Math.max(1, Math.min(50, Math.floor(0.8 * Math.min(intake.rps, routingRate))));
    log(`memory soak: ${SOAK_SECONDS} s at ${soakRate}/s`);
    const samples = { web: [], worker: [] };
    const soakFrom = Date.now();
    const sampler = setInterval(() => {
      const t = (Date.now() - soakFrom) / 60000;
      samples.web.push([t, rssMiB(web.pid)]);
      samples.worker.push([t, rssMiB(worker.pid)]);
    }, 1000);
    const soak = await cannon(`${base}/api/v1/complaints`, fileOpts({ overallRate: soakRate, connections: 20, duration: SOAK_SECONDS }));
    clearInterval(sampler);
    // The first fifth is warm-up (caches, JIT, pools filling); the trend is read on the rest.
    const trend = (points) => {
      const rest = points.slice(Math.floor(points.length / 5)).filter((p) => p[1] !== null);
      return { slope: slope(rest), first: rest[0]?.[1], last: rest.at(-1)?.[1], max: Math.max(...rest.map((p) => p[1])) };
    };
    const mem = { web: trend(samples.web), worker: trend(samples.worker) };

    // ---- Versions, then stop the processes so their CPU profiles are written --------------------
    const ferret = await db.admin().command({ buildInfo: 1 });
    const redisInfo = await ctx.redis.info('server');
    // Our embedded build reports "unknown": its version is the module it is built from.
    const goMod = fs.readFileSync(path.join(ROOT, 'tools/ferretdb/go.mod'), 'utf8').match(/FerretDB\/FerretDB (v\S+)/)?.[1];
    const ferretVersion = ferret.ferretdbVersion && ferret.ferretdbVersion !== 'unknown' ? ferret.ferretdbVersion : `${goMod ?? '?'} (tools/ferretdb, SQLite, writes serialized per database, _id index patch)`;
    const versions = {
      node: process.version,
      db: `${ferret.ferretdbVersion ? `FerretDB ${ferretVersion}` : 'MongoDB'} (reports ${ferret.version})`,
      redis: redisInfo.match(/redis_version:(\S+)/)?.[1] ?? '?',
    };
    await stopChildren(children);
    const profile = (child) => {
      const f = newestProfile(child.profileDir);
      return f ? summarizeProfile(f) : null;
    };
    const profiles = { web: profile(web), worker: profile(worker) };

    // ---- Report ----------------------------------------------------------------------------------
    const r = {
      cmd,
      intakeRatio: intake.rps / bareInsert.rps,
      caseRatio: caseById.rps / rawFind.rps,
      formRatio: form.rps / bareForm.rps,
      handoff: { n: waits.length, p50: pct(waits, 0.5), p99: pct(waits, 0.99) },
      workerRatio: routingRate / noopRate,
    };
    const goals = {
      commands: r.cmd.total <= 15,
      intake: r.intakeRatio >= 0.1,
      p99: steady10.p99 < 250 && steady10.bad === 0,
      caseById: r.caseRatio >= 0.5,
      form: r.formRatio >= 3,
      handoff: r.handoff.p99 < 50,
      worker: r.workerRatio >= 0.5,
      memory: Math.abs(mem.web.slope) < 2 && Math.abs(mem.worker.slope) < 2,
    };
    const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}; Node ${versions.node}, ${versions.db}, Redis ${versions.redis}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; \`npm run bench\` (BENCH_SECONDS=${SECONDS}, BENCH_SOAK_SECONDS=${SOAK_SECONDS}), this part took ${Math.round((Date.now() - started) / 1000)} s; load average (1/5/15 min) ${loadAtStart.map((x) => x.toFixed(1)).join('/')} at the start, ${os.loadavg().map((x) => x.toFixed(1)).join('/')} at the end, on ${os.cpus().length} cores shared with other work: figures move by ±30% between runs and more under load; compare the ratios, measured side by side.`;
    const profileBlock = (what) =>
      [profiles.web && profileMarkdown(`web process, whole run (${what})`, profiles.web), profiles.worker && profileMarkdown(`worker process, whole run (${what})`, profiles.worker)].filter(Boolean).join('\n\n');
    const reqRow = (name, x) => `| ${name} | ${fmt(x.rps, 0)} | ${x.p50} | ${x.p99} | ${x.bad} |`;
    const reqTable = (rows) => ['| endpoint | req/s | p50 ms | p99 ms | errors/non-2xx |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
    const cmdTable = (t) => Object.entries(t).map(([k, v]) => `| ${k} | ${fmt(v / COUNTED, 2)} |`).join('\n');

    replaceSection(OUT, 'intake-run', `## Intake, reads, hand-off, memory (goals 1, 2, 5, 6): the run\n\n${machine}\n\nWeb and worker run compiled in production mode, each in its own process, each talking to the database through a counting TCP proxy (\`scripts/bench/wire-proxy.mjs\`), so every command of both is counted at the wire. The bare endpoints (\`scripts/bench/bare-app.mjs\`) are an express app in its own process with the raw driver. Throughput runs: autocannon, 10 connections, ${SECONDS} s each.`);
    replaceSection(
      OUT,
      'goal-1',
      [
        '## Goal 1: intake',
        '',
        `- Database commands per complaint (web + worker, until routed, noticed and both mails sent; ${COUNTED} complaints filed through the API after 5 warm-up ones, 4 at a time): **${fmt(r.cmd.total, 1)}** (web ${fmt(r.cmd.web, 1)}, worker ${fmt(r.cmd.worker, 1)}) — goal ≤ 15: ${mark(goals.commands)}. By command: ${Object.entries(r.cmd.byName).map(([k, v]) => `${k} ${fmt(v / COUNTED, 1)}`).join(', ')}. Driver handshakes (hello/ping) are not counted.`,
        `- One command alone, sequential, raw driver: insert ${fmt(cost.insert, 1)} ms, update ${fmt(cost.update, 1)} ms, findAndModify ${fmt(cost.findAndModify, 1)} ms, find by _id ${fmt(cost.find, 1)} ms. A complaint's ${fmt((r.cmd.byName.update ?? 0) / COUNTED + (r.cmd.byName.findAndModify ?? 0) / COUNTED, 1)} updates and findAndModifys run one at a time per database (the wrapper serializes them so they are atomic): about ${fmt(((r.cmd.byName.update ?? 0) / COUNTED) * cost.update + ((r.cmd.byName.findAndModify ?? 0) / COUNTED) * cost.findAndModify, 0)} ms of serialized database time per complaint, i.e. at most ~${fmt(1000 / (((r.cmd.byName.update ?? 0) / COUNTED) * cost.update + ((r.cmd.byName.findAndModify ?? 0) / COUNTED) * cost.findAndModify), 0)} complaints/s whatever the web and worker do.`,
        `- Intake throughput with the workers running: ${fmt(intake.rps, 0)} req/s against ${fmt(bareInsert.rps, 0)} req/s for a bare \`insertOne\` endpoint: **${fmt(r.intakeRatio, 3)}** — goal ≥ 0.10: ${mark(goals.intake)}.`,
        `- At a steady 10 complaints/s (${steady10.sent} sent): p50 ${steady10.p50} ms, **p99 ${steady10.p99} ms**, ${steady10.bad} errors — goal p99 < 250 ms: ${mark(goals.p99)}.`,
        '',
        reqTable([reqRow('POST /api/v1/complaints (workers running)', intake), reqRow('bare POST /insert (one insertOne)', bareInsert), reqRow('POST /api/v1/complaints at 10/s', steady10)]),
        '',
        '<details><summary>Commands per complaint by process, command and collection</summary>',
        '',
        '| web | per complaint |',
        '| --- | --- |',
        cmdTable(r.cmd.webTable),
        '',
        '| worker | per complaint |',
        '| --- | --- |',
        cmdTable(r.cmd.workerTable),
        '',
        '</details>',
        '',
        `Why each command is there (${WHY.reduce((s, w) => s + w[2], 0)} in all; the measured figure is higher by the notice-number clashes between processes and the odd retry):`,
        '',
        '| process | commands | per complaint | why |',
        '| --- | --- | --- | --- |',
        ...WHY.map(([proc, what, n, why]) => `| ${proc} | ${what} | ${n} | ${why} |`),
        ...(!goals.commands || !goals.intake || !goals.p99 ? ['', profileBlock('intake-dominated'), '', 'Where the time goes: see the profiles above: the web and worker processes against the database commands of a complaint, whose updates and findAndModifys our FerretDB wrapper serializes per database (atomicity); the bare insert endpoint does one unserialized insert. The commands left are each kept by a guarantee (table above); fewer would mean merging other features\' derived records (worklist, deadline watch, dashboard counters) into fewer documents, or an outbox that does not record each mail.'] : []),
      ].join('\n'),
    );
    replaceSection(
      OUT,
      'goal-2',
      [
        '## Goal 2: reads',
        '',
        `- A case by id: ${fmt(caseById.rps, 0)} req/s against ${fmt(rawFind.rps, 0)} for a raw \`findOne\` endpoint: **${fmt(r.caseRatio, 2)}** — goal ≥ 0.50: ${mark(goals.caseById)}.`,
        `- The public form page: ${fmt(form.rps, 0)} req/s against ${fmt(bareForm.rps, 0)} for a bare endpoint rendering the same EJS from two raw finds: **${fmt(r.formRatio, 2)}** — goal ≥ 3: ${mark(goals.form)}.`,
        '',
        reqTable([reqRow('GET /api/v1/cases/:id (token)', caseById), reqRow('bare GET /cases/:id (one findOne)', rawFind), reqRow('GET /complaints/new', form), reqRow('bare GET /complaints/new (2 finds + EJS)', bareForm)]),
        ...(!goals.caseById || !goals.form ? ['', profileBlock('reads are a small part of it'), '', 'Where the time goes: see the web profile; what remains per request is express, helmet, the session and CSRF middleware and the EJS render.'] : []),
      ].join('\n'),
    );
    replaceSection(
      OUT,
      'goal-5',
      [
        '## Goal 5: queue hand-off',
        '',
        `- From the case's save (the routing job is added right after the case and identity are saved) to the routing worker starting it, at a target 50 complaints/s for ${Math.max(10, SECONDS)} s (achieved ${fmt(steady50.rps, 1)}/s, ${steady50.bad} errors, ${r.handoff.n} jobs): p50 **${r.handoff.p50} ms**, p99 **${r.handoff.p99} ms** — goal p99 < 50 ms: ${mark(goals.handoff)}.`,
        `- The routing worker on a backlog of ${BACKLOG} route-case jobs (each routes, assigns, numbers the notice and requests its mail): ${fmt(routingRate, 1)} jobs/s against ${fmt(noopRate, 0)} jobs/s for a no-op BullMQ worker (same Redis, concurrency 4): **${fmt(r.workerRatio, 3)}** — goal ≥ 0.50: ${mark(goals.worker)}.`,
        ...(!goals.handoff || !goals.worker ? ['', profileBlock('mostly intake and routing'), '', 'Where the time goes: a route-case job is a handful of database commands on one shared server at ~1.5-2 ms each, against a no-op job that is two Redis round trips; when intake outpaces routing the hand-off time is queueing behind the backlog, not BullMQ.'] : []),
      ].join('\n'),
    );
    replaceSection(
      OUT,
      'goal-6',
      [
        '## Goal 6: memory',
        '',
        `Intake at a target ${soakRate}/s${soakRate < 50 ? ` (the issue asks 50/s; ${SOAK_RATE ? 'BENCH_SOAK_RATE' : 'this run measured less: 80% of the lower of intake and routing throughput'})` : ''} for ${SOAK_SECONDS} s (achieved ${fmt(soak.rps, 1)}/s, ${soak.bad} errors${SOAK_SECONDS < 600 ? '; the issue asks 10 minutes: `BENCH_SOAK_SECONDS=600 npm run bench`' : ''}), RSS sampled every second, trend over the last four fifths:`,
        '',
        '| process | RSS first → last (MiB) | max | slope MiB/min |',
        '| --- | --- | --- | --- |',
        `| web | ${fmt(mem.web.first, 0)} → ${fmt(mem.web.last, 0)} | ${fmt(mem.web.max, 0)} | ${fmt(mem.web.slope, 2)} |`,
        `| worker | ${fmt(mem.worker.first, 0)} → ${fmt(mem.worker.last, 0)} | ${fmt(mem.worker.max, 0)} | ${fmt(mem.worker.slope, 2)} |`,
        '',
        `Flat (|slope| < 2 MiB/min in both): ${mark(goals.memory)}.${SOAK_SECONDS < 300 ? ' A short soak: a slow leak would show only over the full 10 minutes.' : ''}`,
      ].join('\n'),
    );
    console.log(fs.readFileSync(OUT, 'utf8'));
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    // Each step bounded: a close that waits on a connection nobody ends (seen: the run printed
    // its figures and never exited, so `npm run bench` never reached bench-scale) must not keep
    // the database server of the bench's own running.
    const step = (name, p) => Promise.race([Promise.resolve(p).catch((err) => log(`cleanup ${name}: ${err.message}`)), sleep(10_000).then(() => log(`cleanup ${name}: still waiting after 10 s, going on`))]);
    await step('processes', stopChildren(children));
    await step('queues', Promise.all([routing.close(), notifications.close()]));
    bullRedis.disconnect();
    await step('proxies and SMTP sink', Promise.all([webProxy.close(), workerProxy.close(), sink.close()]));
    await step('database', db.dropDatabase());
    await step('app context', ctx.shutdown());
    await step('servers', stopChildren([mongo.child, redis.child]));
  }
}

// Exits when done: connections the bench opened for BullMQ (the no-op worker's) or a client of
// the proxies may keep the event loop alive.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
