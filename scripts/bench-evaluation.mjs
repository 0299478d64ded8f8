#!/usr/bin/env node
// `npm run bench:evaluation`: computing an annual evaluation (70 units, 200 anonymous ballots)
// over a year of cases (default 10,000, 100,000 and 1,000,000, each with a handling timeline). Measures
// computeResults (one pass over the cases, counts per unit) against baselines in the same run:
// the bare read of the same fields of every case (the floor: what one pass must cost), and at
// sizes up to BENCH_EVAL_PER_UNIT_MAX the former way, one query of a unit's cases per unit.
// Reports time and peak RSS. Uses its own database. About 25 minutes on FerretDB with 2 cores.
import { benchRun, dist, runMain, timed } from './bench-harness.mjs';

const SIZES = (process.env.BENCH_EVAL_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const PER_UNIT_MAX = Number(process.env.BENCH_EVAL_PER_UNIT_MAX ?? 10000);
const YEAR = 2026;

/** A deterministic pseudo-random stream, so every run builds the same year. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A case of the year with a realistic handling timeline at one unit. */
function yearCase(i, unitIds, random, mongoose) {
  const unitId = unitIds[i % unitIds.length];
  const start = Date.UTC(YEAR, 0, 2) + Math.floor(random() * 330) * 86400000;
  const at = (days) => new Date(start + days * 86400000);
  const late = random() < 0.1;
  const onTime = random() < 0.85;
  const timeline = [
    { at: at(0), action: 'submitted', unitId: null },
    { at: at(0.1), action: 'assigned', unitId },
    { at: at(late ? 3 : 1), action: 'signed', unitId, data: { late } },
    { at: at(2), action: 'contacted', unitId },
    { at: at(10), action: 'reported', unitId },
  ];
  const r = random();
  if (r < 0.05) timeline.push({ at: at(12), action: 'returned', unitId }, { at: at(18), action: 'reported', unitId });
  if (!onTime && random() < 0.3) timeline.push({ at: at(16), action: 'escalated', unitId, data: { level: 1 + Math.floor(random() * 3) } });
  timeline.push({ at: at(20), action: 'accepted', unitId, data: { onTime, outcome: random() < 0.9 ? 'resolved' : 'explained' } });
  const rating = ['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', null][Math.floor(random() * 5)];
  return {
    _id: new mongoose.Types.ObjectId(),
    number: `${YEAR}-${String(i).padStart(7, '0')}`,
    status: 'closed',
    channel: 'web',
    categoryCode: 'other',
    description: '窗口办事拖延，群众多次往返，已整改。',
    submittedAt: at(0),
    assignedUnitId: unitId,
    unitHistory: [unitId],
    deadlineAt: at(15),
    signDueAt: at(1),
    satisfaction: rating ? { rating } : null,
    timeline,
  };
}

runMain(() =>
  benchRun('cf_bench_evaluation', 'cfbencheval', async ({ ctx, mongoose, db }) => {
    const { seedReferenceData } = dist('src/seed/seed.service.js');
    const { createEvaluation } = dist('src/evaluation/evaluation.service.js');
    const { computeResults } = dist('src/evaluation/results.service.js');
    const { unitMetrics } = dist('src/rectification/metrics.service.js');
    const { Evaluation } = dist('src/evaluation/evaluation.models.js');
    // Why a cursor might be lost: the driver clearing its pool or closing a connection.
    const client = mongoose.connection.getClient();
    for (const event of ['connectionPoolCleared', 'serverHeartbeatFailed']) client.on(event, (e) => process.stderr.write(`[bench:evaluation] ${new Date().toISOString()} ${event} ${e.failure?.message ?? ''}\n`));
    client.on('connectionClosed', (e) => e.reason !== 'poolClosed' && process.stderr.write(`[bench:evaluation] ${new Date().toISOString()} connection ${e.connectionId} closed: ${e.reason}\n`));
    await seedReferenceData();
    const units = await db.collection('units').find({}, { projection: { _id: 1 } }).toArray();
    const unitIds = units.map((u) => u._id);
    // Clock at the end of the year, when the evaluation is computed.
    ctx.clock = { now: () => new Date(Date.UTC(YEAR, 11, 30, 2)) };
    const id = await createEvaluation(ctx, { year: YEAR, name: `${YEAR}年度双百双评（基准）` }, new mongoose.Types.ObjectId());
    const random = rng(7);
    // 200 ballots, as the close leaves them: counts per unit.
    const tallies = unitIds.map((unitId) => {
      const t = { unitId, satisfied: 0, basically_satisfied: 0, dissatisfied: 0, unknown: 0, scores: [], comments: 0 };
      for (let b = 0; b < 200; b++) t[['satisfied', 'basically_satisfied', 'dissatisfied', 'unknown'][Math.floor(random() * 4)]]++;
      return t;
    });
    await Evaluation.updateOne({ _id: id }, { $set: { state: 'closed', closedAt: new Date(), talliedAt: new Date(), tallies } });
    const cases = db.collection('cases');
    const projection = { status: 1, assignedUnitId: 1, unitHistory: 1, deadlineAt: 1, signDueAt: 1, timeline: 1, satisfaction: 1, unreasonable: 1, followUps: 1 };
    const rows = [];
    let have = 0;
    for (const size of SIZES) {
      const t0 = Date.now();
      while (have < size) {
        const n = Math.min(5000, size - have);
        await cases.insertMany(Array.from({ length: n }, (_, k) => yearCase(have + k, unitIds, random, mongoose)), { ordered: false });
        have += n;
      }
      const filled = Date.now() - t0;
      // Started again if FerretDB loses the cursor (as metricsOfUnits does); restarts are reported.
      let restarts = 0;
      const read = await timed(async () => {
        for (;;) {
          try {
            let n = 0;
            for await (const c of cases.find({}, { projection, batchSize: 2000 })) n += c.timeline.length > 0 ? 1 : 0;
            return n;
          } catch (err) {
            if (err.code !== 43 || ++restarts > 3) throw err;
          }
        }
      });
      if (restarts) process.stderr.write(`[bench:evaluation] the bare read lost its cursor ${restarts} time(s) and started again\n`);
      // The year's handling record is read once per evaluation and kept: forget it to measure the read.
      await Evaluation.updateOne({ _id: id }, { $set: { handling: null } });
      const compute = await timed(async () => {
        const e = await computeResults(ctx, id);
        return e.results.reduce((n, s) => n + s.ranking.length, 0);
      });
      // A veto's recompute: the kept record, no read of the cases.
      const recompute = await timed(() => computeResults(ctx, id));
      const perUnit = size <= PER_UNIT_MAX ? await timed(async () => {
        for (const u of unitIds) await unitMetrics(ctx, String(u), { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` });
        return unitIds.length;
      }) : null;
      rows.push({ size, filled, read, compute, recompute, perUnit });
      process.stderr.write(`[bench:evaluation] ${new Date().toISOString()} ${size.toLocaleString('en')} cases (filled in ${(filled / 1000).toFixed(0)} s): compute ${compute.ms.toFixed(0)} ms, bare read ${read.ms.toFixed(0)} ms${perUnit ? `, one query per unit ${perUnit.ms.toFixed(0)} ms` : ''}\n`);
    }
    console.log('\n| cases | units ranked | computeResults (one pass) | peak RSS | recompute after a veto | bare read of the cases (floor) | compute / read | one query per unit (former way) | peak RSS | per-unit / compute |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const pu = r.perUnit ? `${r.perUnit.ms.toFixed(0)} ms | ${r.perUnit.peakMiB} MiB | ${(r.perUnit.ms / r.compute.ms).toFixed(1)}` : 'not run | | ';
      console.log(`| ${r.size.toLocaleString('en')} | ${r.compute.value} | ${r.compute.ms.toFixed(0)} ms | ${r.compute.peakMiB} MiB | ${r.recompute.ms.toFixed(0)} ms | ${r.read.ms.toFixed(0)} ms | ${(r.compute.ms / r.read.ms).toFixed(2)} | ${pu} |`);
    }
    if (rows.length > 1) {
      const [first, last] = [rows[0], rows[rows.length - 1]];
      console.log(`\nGrowth ${first.size.toLocaleString('en')} -> ${last.size.toLocaleString('en')} cases (x${last.size / first.size}): compute x${(last.compute.ms / first.compute.ms).toFixed(2)}, bare read x${(last.read.ms / first.read.ms).toFixed(2)}`);
    }
  }),
);
