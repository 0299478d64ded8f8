#!/usr/bin/env node
// `node scripts/bench-ferret-id.mjs`: does a command on one document by `_id` cost more as the
// collection grows? Every change of a case is an update or findAndModify by `_id` (the lifecycle
// gate adds the state it read: `{_id, status}`), so on FerretDB v1's SQLite backend, which uses no
// secondary index, this decides what every write costs. Starts a FerretDB of its own (own port, own
// data directory, nothing else talking to it), grows one collection of ~2 KB documents through
// PROBE_SIZES and times each command sequentially on documents spread over the collection.
//   PROBE_SIZES         collection sizes (default 0,1000,10000,50000)
//   PROBE_OPS           commands timed per kind and size (default 30; fewer once a kind has taken
//                       PROBE_BUDGET_MS, default 20000, at least one: the stock build needs ~1 min
//                       for one `{_id, status}` command at 50,000 documents)
//   PROBE_BASELINE_BIN  a second FerretDB build measured the same way in the same run (e.g. one
//                       built without tools/ferretdb/patches), shown side by side
// Writes the section "ferret-id" of BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFerretBinary, mongoAnswers } from './services.mjs';
import { replaceSection } from './bench/benchmarks-md.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { MongoClient, ObjectId } = require('mongodb');
const SIZES = (process.env.PROBE_SIZES ?? '0,1000,10000,50000').split(',').map(Number);
const OPS = Number(process.env.PROBE_OPS ?? 30);
const BUDGET_MS = Number(process.env.PROBE_BUDGET_MS ?? 20000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[ferret-id] ${msg}\n`);
const FILLER = 'x'.repeat(1800);

const KINDS = [
  ['find({_id})', (c, id) => c.find({ _id: id }).toArray()],
  ['find({_id, status})', (c, id) => c.find({ _id: id, status: 'open' }).toArray()],
  ['updateOne({_id})', (c, id, i) => c.updateOne({ _id: id }, { $set: { n: i } })],
  ['updateOne({_id, status})', (c, id, i) => c.updateOne({ _id: id, status: 'open' }, { $set: { n: i } })],
  ['findOneAndUpdate({_id})', (c, id, i) => c.findOneAndUpdate({ _id: id }, { $set: { n: i } }, { returnDocument: 'after' })],
  ['findOneAndUpdate({_id, status})', (c, id, i) => c.findOneAndUpdate({ _id: id, status: 'open' }, { $set: { n: i } }, { returnDocument: 'after' })],
];

function doc(i) {
  return { _id: new ObjectId(), status: i % 10 === 0 ? 'closed' : 'open', n: i, unitId: `u${i % 70}`, text: FILLER, timeline: [{ type: 'submitted', at: new Date() }] };
}

async function startServer(bin, label) {
  const port = 27100 + Math.floor(Math.random() * 800);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ferret-id-${label}-`));
  const child = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', dir], { stdio: 'ignore' });
  const uri = `mongodb://127.0.0.1:${port}`;
  for (let i = 0; !(await mongoAnswers(uri, 500)); i++) {
    if (child.exitCode !== null || i > 120) throw new Error(`${bin} did not start`);
    await sleep(250);
  }
  return { uri, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))).then(() => fs.rmSync(dir, { recursive: true, force: true })) };
}

/** Median ms per kind at each size: { [size]: { [kind]: ms } }. */
async function probe(bin, label) {
  const server = await startServer(bin, label);
  const client = await MongoClient.connect(server.uri, { maxPoolSize: 1 });
  const coll = client.db('probe').collection('cases');
  const ids = [];
  const out = {};
  try {
    await client.db('probe').createCollection('cases');
    for (const size of SIZES) {
      while (ids.length < size) {
        const batch = Array.from({ length: Math.min(1000, size - ids.length) }, (_, k) => doc(ids.length + k));
        await coll.insertMany(batch, { ordered: false });
        ids.push(...batch.filter((d) => d.status === 'open').map((d) => d._id), ...batch.filter((d) => d.status !== 'open').map(() => null));
      }
      const open = ids.filter(Boolean);
      // Untimed writes first: SQLite checkpoints the write-ahead log the bulk load filled on the
      // first writes after it, a one-off cost that is not the command's.
      for (let i = 0; i < 20 && open.length; i++) await coll.updateOne({ _id: open[Math.floor(Math.random() * open.length)] }, { $set: { warm: i } });
      out[size] = {};
      for (const [kind, run] of KINDS) {
        const times = [];
        const kindStarted = Date.now();
        for (let i = 0; i < OPS && (i === 0 || Date.now() - kindStarted < BUDGET_MS); i++) {
          // Spread over the collection, last document included: a scan stops at its match.
          const id = open.length ? open[Math.floor(((i + 1) / OPS) * (open.length - 1))] : new ObjectId();
          const t0 = process.hrtime.bigint();
          await run(coll, id, i);
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        times.sort((a, b) => a - b);
        out[size][kind] = { ms: times[Math.floor(times.length / 2)], n: times.length };
        log(`${label} ${size} docs: ${kind} median ${out[size][kind].ms.toFixed(2)} ms (${times.length} runs)`);
      }
    }
  } finally {
    await client.close();
    await server.stop();
  }
  return out;
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function table(results, label) {
  const head = `| command (${label}) | ${SIZES.map((s) => `${s.toLocaleString('en')} docs`).join(' | ')} | growth ${SIZES[1]?.toLocaleString('en')} → ${SIZES.at(-1).toLocaleString('en')} |`;
  const rows = KINDS.map(([kind]) => {
    const v = SIZES.map((s) => results[s][kind]);
    const growth = SIZES.length > 2 ? `x${(v.at(-1).ms / v[1].ms).toFixed(1)}` : '';
    return `| \`${kind}\` | ${v.map((x) => `${fmt(x.ms)} ms${x.n < OPS ? ` (${x.n} run${x.n > 1 ? 's' : ''})` : ''}`).join(' | ')} | ${growth} |`;
  });
  return [head, `| --- | ${SIZES.map(() => '---').join(' | ')} | --- |`, ...rows].join('\n');
}

async function main() {
  const started = Date.now();
  const bin = ensureFerretBinary();
  if (!bin) throw new Error('Go is needed to build tools/ferretdb');
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const ours = await probe(bin, 'ours');
  const base = process.env.PROBE_BASELINE_BIN ? await probe(process.env.PROBE_BASELINE_BIN, 'baseline') : null;
  const cmd = `${process.env.PROBE_BASELINE_BIN ? 'PROBE_BASELINE_BIN=<FerretDB built without tools/ferretdb/_patches> ' : ''}node scripts/bench-ferret-id.mjs`;
  const body = [
    '## FerretDB: one document by `_id` as the collection grows',
    '',
    `A FerretDB of the probe's own (own port and data directory, no other client), one collection of ~2 KB documents grown to each size; each command run ${OPS} times sequentially (fewer where shown: a kind stops after ${BUDGET_MS / 1000} s) (one connection) on documents spread over the collection, the last one included, after 20 untimed updates (the write-ahead-log checkpoint after the bulk load); median ms. Load average at start ${load} (2 cores, shared with other work); \`${cmd}\`, ${Math.round((Date.now() - started) / 1000)} s, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    table(ours, 'tools/ferretdb as built'),
    ...(base ? ['', table(base, 'stock FerretDB v1.24.2 + our wrapper')] : []),
  ].join('\n');
  console.log(body);
  replaceSection(path.join(ROOT, 'BENCHMARKS.md'), 'ferret-id', body);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
