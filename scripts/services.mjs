#!/usr/bin/env node
// Makes sure MongoDB (or our FerretDB build) and Redis answer, starting them when needed.
// Used by `npm start`, the test suite's global setup and .ci/run; runnable alone:
//   node scripts/services.mjs up     start what is missing, print the URLs, stay in the foreground
//   node scripts/services.mjs check  only report what answers
//   node scripts/services.mjs build-ferretdb  build our FerretDB server (once; again when its sources change)
// Environment: MONGO_PORT (default 27017) is where the server is looked for and started;
// FERRETDB_BACKEND=postgresql starts our FerretDB build on PostgreSQL (POSTGRES_URL, else the
// local cluster on 127.0.0.1:5432) instead of SQLite; README "Embedded server" says why SQLite
// stays the default.
//   node scripts/services.mjs mongo-command <port> <data-dir>  print, as JSON, how to start a
//     MongoDB-compatible server of one's own (mongod, else our FerretDB build, built if needed);
//     exits 1 naming what to install when neither is possible. Test helpers run it in a child
//     process because Jest cannot load this ES module.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const FERRET_SRC = path.join(ROOT, 'tools', 'ferretdb');
const FERRET_BIN = path.join(ROOT, '.cache', 'ferretdb', 'ferretdb-lite');
const FERRET_PATCHES = path.join(FERRET_SRC, '_patches');
const DATA = path.join(ROOT, '.data');

const HELP_MONGO = `No MongoDB-compatible server could be found or started. Do one of:
  - set MONGODB_URI to a running MongoDB 7 (e.g. mongodb://127.0.0.1:27017), or
  - run "docker compose up -d mongo redis" on a machine with Docker, or
  - install Go >= 1.24 (https://go.dev/dl) so the project can build its FerretDB server (tools/ferretdb), or
  - install mongod and put it on PATH.`;
const HELP_MONGO_BINARY = `No MongoDB-compatible server program is available to start here. Install one of:
  - Go >= 1.24 (https://go.dev/dl; /usr/local/go/bin is searched too) so the project can build its FerretDB server (tools/ferretdb), or
  - mongod (MongoDB 7), on PATH.`;
const HELP_REDIS = `No Redis server could be found or started. Do one of:
  - set REDIS_URL to a running Redis 7 (e.g. redis://127.0.0.1:6379), or
  - run "docker compose up -d redis", or
  - install redis-server (Debian/Ubuntu: apt-get install redis-server).`;

const log = (msg) => process.stderr.write(`[services] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function tcpOpen(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function mongoAnswers(uri, timeoutMs = 1500) {
  const { MongoClient } = createRequire(require.resolve('mongoose'))('mongodb');
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function redisAnswers(url, timeoutMs = 1500) {
  const { Redis } = require('ioredis');
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitFor(check, what, child, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}; see ${child.logFile}`);
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s; see ${child?.logFile ?? 'its log'}`);
}

/** A TCP port nothing listens on now (for servers of one's own). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The PostgreSQL to use: POSTGRES_URL, else the local cluster when it answers; null otherwise. */
export async function postgresUrl() {
  if (process.env.POSTGRES_URL) return process.env.POSTGRES_URL;
  return (await tcpOpen('127.0.0.1', 5432)) ? 'postgres://postgres@127.0.0.1:5432/postgres' : null;
}

/**
 * Creates the database (idempotently, through psql) on the PostgreSQL at `url`, and answers the
 * URL of that database for FerretDB. The URL's user must be allowed to create databases.
 */
export async function ensurePostgresDatabase(url, database) {
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`bad database name ${database}`);
  if (!which('psql')) throw new Error('psql is needed to create the FerretDB database on PostgreSQL (Debian: apt-get install postgresql-client)');
  const psql = (sql) => spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { encoding: 'utf8' });
  const seen = psql(`select 1 from pg_database where datname = '${database}'`);
  if (seen.status !== 0) throw new Error(`PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')} refused psql: ${seen.stderr.trim()}`);
  if (seen.stdout.trim() !== '1') {
    const made = psql(`create database ${database}`);
    // Two starts at once: the other one created it.
    if (made.status !== 0 && !/already exists/.test(made.stderr)) throw new Error(`could not create database ${database}: ${made.stderr.trim()}`);
  }
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function startChild(name, cmd, args) {
  fs.mkdirSync(path.join(DATA, 'logs'), { recursive: true });
  const logFile = path.join(DATA, 'logs', `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], detached: false });
  child.logFile = logFile;
  log(`started ${name} (pid ${child.pid}), log: ${path.relative(ROOT, logFile)}`);
  return child;
}

function ferretSourceHash() {
  const h = createHash('sha256');
  const files = fs.readdirSync(FERRET_SRC).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort();
  for (const f of files) h.update(f).update(fs.readFileSync(path.join(FERRET_SRC, f)));
  for (const f of ferretPatches()) h.update(`_patches/${f}`).update(fs.readFileSync(path.join(FERRET_PATCHES, f)));
  return h.digest('hex');
}

/** Files under tools/ferretdb/_patches, by their path inside the FerretDB module. */
function ferretPatches() {
  if (!fs.existsSync(FERRET_PATCHES)) return [];
  return fs
    .readdirSync(FERRET_PATCHES, { recursive: true })
    .filter((f) => f.endsWith('.go'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/**
 * Prepares the build of tools/ferretdb with the files under tools/ferretdb/_patches in place of
 * FerretDB's files of the same path (see tools/ferretdb/_patches/README.md): a copy of the FerretDB
 * module with the patched files in <buildDir>, and a go.mod of its own there that replaces the
 * module with that copy (`go build -overlay` refuses files in the module cache). Answers the
 * `-modfile` path.
 */
function prepareFerretBuild(go, buildDir) {
  const r = spawnSync(go, ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], { cwd: FERRET_SRC, encoding: 'utf8' });
  const mod = r.status === 0 ? JSON.parse(r.stdout) : null;
  if (!mod?.Dir) throw new Error(`go mod download of FerretDB failed: ${r.stderr || r.stdout}`);
  fs.rmSync(buildDir, { recursive: true, force: true });
  const copy = path.join(buildDir, `FerretDB@${mod.Version}`);
  fs.cpSync(mod.Dir, copy, { recursive: true });
  // The module cache is read-only; so is a copy of it.
  for (const f of ['', ...fs.readdirSync(copy, { recursive: true })]) fs.chmodSync(path.join(copy, f), fs.statSync(path.join(copy, f)).isDirectory() ? 0o755 : 0o644);
  for (const f of ferretPatches()) {
    const target = path.join(copy, ...f.split('/'));
    if (!fs.existsSync(target)) throw new Error(`tools/ferretdb/_patches/${f} replaces a file FerretDB ${mod.Version} does not have`);
    fs.copyFileSync(path.join(FERRET_PATCHES, ...f.split('/')), target);
  }
  const modfile = path.join(buildDir, 'go.mod');
  fs.writeFileSync(modfile, `${fs.readFileSync(path.join(FERRET_SRC, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  fs.copyFileSync(path.join(FERRET_SRC, 'go.sum'), path.join(buildDir, 'go.sum'));
  return modfile;
}

/**
 * Returns the path of our FerretDB server (tools/ferretdb), building it with Go first when it is
 * missing or its sources changed since the last build; null when Go is not installed.
 */
export function ensureFerretBinary() {
  const stamp = `${FERRET_BIN}.sha256`;
  const hash = ferretSourceHash();
  if (fs.existsSync(FERRET_BIN) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return FERRET_BIN;
  const go = which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) return null;
  log('building the FerretDB server (tools/ferretdb); the first build downloads modules and takes a few minutes');
  fs.mkdirSync(path.dirname(FERRET_BIN), { recursive: true });
  const started = Date.now();
  // Built under a name of its own and renamed, so a concurrent build or a running server never
  // sees a half-written file.
  const tmp = `${FERRET_BIN}.${process.pid}.tmp`;
  const buildDir = `${FERRET_BIN}.${process.pid}.src`;
  const modfile = prepareFerretBuild(go, buildDir);
  const r = spawnSync(go, ['build', '-trimpath', `-modfile=${modfile}`, '-o', tmp, '.'], { cwd: FERRET_SRC, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
  fs.rmSync(buildDir, { recursive: true, force: true });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`go build of tools/ferretdb failed (exit ${r.status ?? r.error?.message}); it needs Go >= 1.24 (${go})`);
  }
  fs.renameSync(tmp, FERRET_BIN);
  fs.writeFileSync(stamp, hash);
  log(`FerretDB built in ${Math.round((Date.now() - started) / 1000)} s`);
  return FERRET_BIN;
}

/**
 * How to start a MongoDB-compatible server on 127.0.0.1:<port> with its data under
 * <dataRoot>/<name>: mongod if on PATH, else our FerretDB build (built first if needed).
 * Returns { name, cmd, args }, or null when neither mongod nor Go is installed.
 */
export function mongoServerCommand(port, dataRoot) {
  if (which('mongod')) {
    const dbpath = path.join(dataRoot, 'mongod');
    fs.mkdirSync(dbpath, { recursive: true });
    return { name: 'mongod', cmd: 'mongod', args: ['--dbpath', dbpath, '--bind_ip', '127.0.0.1', '--port', String(port)] };
  }
  const bin = ensureFerretBinary();
  if (!bin) return null;
  return { name: 'ferretdb', cmd: bin, args: ['-listen', `127.0.0.1:${port}`, '-data', path.join(dataRoot, 'ferretdb')] };
}

/**
 * Ensures a MongoDB-compatible server answers. Returns its base URI (no database name) and the
 * child process when this call started one.
 */
export async function ensureMongo() {
  if (process.env.MONGODB_URI) {
    const base = process.env.MONGODB_URI;
    if (!(await mongoAnswers(base, 3000))) throw new Error(`MONGODB_URI is set but nothing answers there (${base.replace(/\/\/[^@]*@/, '//***@')})`);
    return { uri: base, child: null, kind: 'MONGODB_URI' };
  }
  const port = Number(process.env.MONGO_PORT ?? 27017);
  const local = `mongodb://127.0.0.1:${port}`;
  if (await mongoAnswers(local)) return { uri: local, child: null, kind: 'running' };
  if (await tcpOpen('127.0.0.1', port)) throw new Error(`Port ${port} is taken by something that does not answer as MongoDB`);

  const server = mongoServerCommand(port, DATA);
  if (!server) throw new Error(HELP_MONGO);
  if (server.name === 'ferretdb' && process.env.FERRETDB_BACKEND === 'postgresql') {
    const pg = await postgresUrl();
    if (!pg) throw new Error('FERRETDB_BACKEND=postgresql, but no PostgreSQL answers (set POSTGRES_URL)');
    server.args = ['-listen', `127.0.0.1:${port}`, '-postgresql-url', await ensurePostgresDatabase(pg, process.env.FERRETDB_PG_DATABASE ?? 'ferretdb')];
    server.name = 'ferretdb-postgresql';
  }
  const child = startChild(server.name, server.cmd, server.args);
  await waitFor(() => mongoAnswers(local, 500), 'the MongoDB-compatible server', child);
  return { uri: local, child, kind: server.name };
}

export async function ensureRedis() {
  if (process.env.REDIS_URL) {
    if (!(await redisAnswers(process.env.REDIS_URL, 3000))) throw new Error('REDIS_URL is set but nothing answers there');
    return { url: process.env.REDIS_URL, child: null, kind: 'REDIS_URL' };
  }
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) return { url: local, child: null, kind: 'running' };
  const bin = which('redis-server');
  if (!bin) throw new Error(HELP_REDIS);
  fs.mkdirSync(path.join(DATA, 'redis'), { recursive: true });
  const child = startChild('redis', bin, ['--bind', '127.0.0.1', '--port', '6379', '--dir', path.join(DATA, 'redis'), '--appendonly', 'yes', '--save', '']);
  await waitFor(() => redisAnswers(local, 500), 'redis-server', child);
  return { url: local, child, kind: 'redis-server' };
}

/** Stops the servers a call started (never one that was already running). */
export async function stopChildren(children) {
  await Promise.all(
    children.filter(Boolean).map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null) return resolve();
          const t = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => { clearTimeout(t); resolve(); });
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** Puts a database name on a base URI, keeping any query string. */
export function withDatabase(base, db) {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
}

async function main() {
  const cmd = process.argv[2] ?? 'check';
  if (cmd === 'check') {
    const m = await mongoAnswers(process.env.MONGODB_URI ?? `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}`);
    const r = await redisAnswers(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    console.log(JSON.stringify({ mongo: m ? 'up' : 'down', redis: r ? 'up' : 'down' }));
    process.exit(m && r ? 0 : 1);
  }
  if (cmd === 'build-ferretdb') {
    console.log(ensureFerretBinary() ?? 'go not found');
    return;
  }
  if (cmd === 'mongo-command') {
    const port = Number(process.argv[3]);
    const dataRoot = process.argv[4];
    if (!Number.isInteger(port) || port <= 0 || !dataRoot) {
      console.error('usage: node scripts/services.mjs mongo-command <port> <data-dir>');
      process.exit(2);
    }
    const server = mongoServerCommand(port, path.resolve(dataRoot));
    if (!server) throw new Error(HELP_MONGO_BINARY);
    console.log(JSON.stringify(server));
    return;
  }
  if (cmd === 'up') {
    const mongo = await ensureMongo();
    const redis = await ensureRedis();
    console.log(JSON.stringify({ MONGODB_URI: mongo.uri, REDIS_URL: redis.url, started: [mongo.child && 'mongo', redis.child && 'redis'].filter(Boolean) }));
    const children = [mongo.child, redis.child].filter(Boolean);
    if (!children.length) return;
    log('press Ctrl-C to stop the servers started here');
    const stop = () => stopChildren(children).then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  console.error('usage: node scripts/services.mjs [check|up|build-ferretdb|mongo-command <port> <data-dir>]');
  process.exit(2);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[services] ${err.message}`);
    process.exit(1);
  });
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles with tsc when a source is newer than the last build (stamp in dist/.built). */
export function buildIfNeeded() {
  const stamp = path.join(ROOT, 'dist', '.built');
  const sources = Math.max(...['src', 'workers', 'scripts', 'seed'].map((d) => newestMtime(path.join(ROOT, d))));
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= sources) return;
  process.stderr.write('[services] building (tsc)\n');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  fs.writeFileSync(stamp, new Date().toISOString());
}

/**
 * The environment web, workers and scripts run with: MongoDB (or FerretDB) and Redis found or
 * started the same way as `npm start` (started ones are pushed to `children` to stop later).
 */
export async function serviceEnv(children) {
  const mongo = await ensureMongo();
  const redis = await ensureRedis();
  children.push(mongo.child, redis.child);
  const hasDb = new URL(mongo.uri).pathname.length > 1;
  return { ...process.env, MONGODB_URI: hasDb ? mongo.uri : withDatabase(mongo.uri, 'county_feedback'), REDIS_URL: redis.url };
}
