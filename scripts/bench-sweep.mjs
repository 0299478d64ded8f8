#!/usr/bin/env node
// `npm run bench:sweep`: the escalation sweep over a large history. For each size (default
// 100,000 and 1,000,000 cases, of which OPEN are with a unit and DUE have a step due), measures
// the sweep (find the due work, queue one job per case) against a baseline measured in the same
// run: the naive query over the cases collection that the watch list replaces. Reports time,
// documents read and peak RSS, and how each grows with the history (10x). Uses its own database.
import { benchRun, dist, runMain, timed } from './bench-harness.mjs';

const SIZES = (process.env.BENCH_SWEEP_SIZES ?? '100000,1000000').split(',').map(Number);
const OPEN = Number(process.env.BENCH_SWEEP_OPEN ?? 10000);
const DUE = Number(process.env.BENCH_SWEEP_DUE ?? 1000);

runMain(() =>
  benchRun('cf_bench_sweep', 'cfbenchsweep', async ({ ctx, mongoose, db }) => {
    const { Watch } = dist('src/escalation/escalation.models.js');
    const { sweep } = dist('src/escalation/sweep.job.js');
    const cases = db.collection('cases');
    const now = new Date();
    const rows = [];
    let have = 0;
    for (const size of SIZES) {
      // Grow the history to `size` closed cases; the open work stays the same OPEN cases.
      const t0 = Date.now();
      while (have < size) {
        const n = Math.min(10000, size - have);
        await cases.insertMany(Array.from({ length: n }, (_, i) => ({ number: `2020-${String(have + i).padStart(8, '0')}`, status: 'closed', channel: 'web', categoryCode: 'other', description: '历史案件，已办结归档。', submittedAt: now, deadlineAt: new Date(now.getTime() - 86400000), timeline: [] })), { ordered: false });
        have += n;
      }
      if ((await Watch.estimatedDocumentCount()) === 0) {
        const openCases = Array.from({ length: OPEN }, (_, i) => ({ _id: new mongoose.Types.ObjectId(), number: `2026-${String(i).padStart(6, '0')}`, status: 'acknowledged', channel: 'web', categoryCode: 'other', description: '在办案件。', submittedAt: now, deadlineAt: new Date(now.getTime() + (i < DUE ? -3600000 : 86400000 * 5)), timeline: [] }));
        await cases.insertMany(openCases);
        await Watch.insertMany(openCases.map((c, i) => ({ _id: c._id, number: c.number, unitId: c._id, categoryCode: 'other', status: 'acknowledged', deadlineDate: '2026-03-16', deadlineAt: c.deadlineAt, nextAt: new Date(now.getTime() + (i < DUE ? -60000 : 3600000)) })));
      }
      const filled = Date.now() - t0;
      await ctx.queues.get('escalation').obliterate({ force: true });
      const s = await timed(() => sweep(ctx));
      const naive = await timed(async () => (await cases.find({ status: { $in: ['assigned', 'acknowledged'] }, deadlineAt: { $lte: now } }, { projection: { _id: 1 } }).toArray()).length);
      rows.push({ size, filled, sweep: s, naive });
      process.stderr.write(`[bench:sweep] ${size.toLocaleString('en')} cases: sweep ${s.ms.toFixed(0)} ms (${s.value.due} due), naive query ${naive.ms.toFixed(0)} ms (${naive.value} found)\n`);
    }
    const first = rows[0];
    console.log('\n| cases | open | due | sweep (watch list) | docs read | peak RSS | naive query on cases (baseline) | sweep / baseline |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.size.toLocaleString('en')} | ${OPEN.toLocaleString('en')} | ${DUE} | ${r.sweep.ms.toFixed(0)} ms | ${r.sweep.value.due} of ${OPEN.toLocaleString('en')} watched | ${r.sweep.peakMiB} MiB | ${r.naive.ms.toFixed(0)} ms | ${(r.sweep.ms / r.naive.ms).toFixed(3)} |`);
    if (rows.length > 1) {
      const last = rows[rows.length - 1];
      console.log(`\nGrowth ${first.size.toLocaleString('en')} -> ${last.size.toLocaleString('en')} cases (x${last.size / first.size}): sweep x${(last.sweep.ms / first.sweep.ms).toFixed(2)}, naive query x${(last.naive.ms / first.naive.ms).toFixed(2)}`);
    }
  }),
);
