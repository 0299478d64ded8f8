import { boot } from '../src/boot';
import { loadConfig } from '../src/config';
import { rebuildWatch } from '../src/escalation/escalation.service';
import { demoClock, sweepNow } from '../src/escalation/sweep.job';
import '../src/registry';

// `npm run sweep`: one escalation sweep now against the services `npm start` uses, printing what
// it did. `CLOCK_NOW=2027-01-15T10:00:00+08:00 npm run sweep` runs it as if at that instant (for
// demos and acceptance checks; refused in production). `-- --rebuild` first rebuilds the watch
// list from the open cases (after a restore, or for cases filed before escalation existed).
// A command-line tool: it prints its report on standard output.
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const clock = demoClock(config); // refused in production before anything connects
  const base = await boot();
  const ctx = clock ? { ...base, clock } : base;
  try {
    if (process.argv.includes('--rebuild')) say(`watch list rebuilt: ${await rebuildWatch(ctx)} open cases`);
    const report = await sweepNow(ctx);
    say(`sweep at ${ctx.clock.now().toISOString()}: ${report.length} case(s) due`);
    for (const r of report) say(`  ${r.number}: ${r.applied.length ? r.applied.join(', ') : 'nothing new'}`);
  } finally {
    await base.shutdown();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
