import { z } from 'zod';
import { FixedClock } from '../clock';
import type { Context } from '../context';
import { defineJob } from '../platform/jobs/define-job';
import { tryEnqueue } from '../platform/jobs/enqueue';
import { Watch } from './escalation.models';
import { findCase, findSupervisionPending } from '../cases/case.service';
import { applyDueSteps, finishSupervision, rebuildIfReferenceChanged } from './escalation.service';

const BATCH = 1000;

/**
 * Applies a case's due deadline steps. Job `escalate-<caseId>-<due>-<version>`: once per wake-up
 * time of a version of the case (a case changed since, with the same wake-up time, is a new job).
 */
export const escalateCaseJob = defineJob<{ caseId: string; due: number; version: number }>({
  name: 'escalate-case',
  queue: 'escalation',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/), due: z.number().int(), version: z.number().int().min(0) }),
  jobId: (p) => `escalate-${p.caseId}-${p.due}-${p.version}`,
  handle: (ctx, { caseId }) => applyDueSteps(ctx, caseId),
});

/**
 * Finds the cases whose next step is due, on the watch list (one small document per case a unit
 * has in hand, so the cost follows the open work, not every case ever filed), and fans out one
 * job per case. The job id carries the wake-up time: two sweeps at once queue it once, and the
 * job itself claims each step on the case, so each mail goes once. Stops when Redis refuses.
 */
export async function sweep(ctx: Pick<Context, 'clock' | 'queues' | 'logger'>): Promise<{ due: number; queued: number }> {
  const due = await Watch.find({ nextAt: { $lte: ctx.clock.now() } }, { _id: 1, nextAt: 1, version: 1 }).sort({ nextAt: 1 }).limit(BATCH).lean();
  let queued = 0;
  for (const w of due) {
    if (!(await tryEnqueue(ctx, escalateCaseJob, { caseId: String(w._id), due: w.nextAt!.getTime(), version: w.version ?? 0 }))) break;
    queued++;
  }
  if (due.length) ctx.logger.info({ due: due.length, queued }, 'escalation.swept');
  return { due: due.length, queued };
}

export const escalationSweepJob = defineJob<Record<string, never>>({
  name: 'escalation-sweep',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'escalation-sweep',
  schedule: (config) => ({ every: config.ESCALATION_SWEEP_EVERY_SECONDS * 1000 }),
  handle: async (ctx) => {
    const rebuilt = await rebuildIfReferenceChanged(ctx);
    // Tombstones of cases that left a unit's hands are kept an hour, then purged.
    await Watch.deleteMany({ gone: true, updatedAt: { $lt: new Date(ctx.clock.now().getTime() - 3600_000) } });
    return { ...(await sweep(ctx)), rebuilt };
  },
});

/**
 * One sweep now, in this process, without queueing: every case due by now gets its due steps
 * (in order, each once), as many rounds as it takes. For `npm run sweep` (demos, acceptance
 * checks, an operator catching up); mails are recorded and queued as usual.
 */
export async function sweepNow(ctx: Pick<Context, 'clock' | 'queues' | 'logger' | 'config'>): Promise<{ number: string; applied: string[] }[]> {
  const report: { number: string; applied: string[] }[] = [];
  const seen = new Set<string>();
  for (;;) {
    const due = await Watch.find({ nextAt: { $lte: ctx.clock.now() } }, { _id: 1, number: 1 }).sort({ nextAt: 1 }).limit(BATCH).lean();
    const fresh = due.filter((w) => !seen.has(String(w._id)));
    if (!fresh.length) return report;
    for (const w of fresh) {
      seen.add(String(w._id));
      const { applied } = await applyDueSteps(ctx, w._id);
      report.push({ number: w.number, applied });
    }
  }
}

/** The clock `npm run sweep` runs with: CLOCK_NOW when given (never in production), else null (the system's). */
export function demoClock(config: Pick<Context['config'], 'CLOCK_NOW' | 'NODE_ENV'>): FixedClock | null {
  if (!config.CLOCK_NOW) return null;
  if (config.NODE_ENV === 'production') throw new Error('CLOCK_NOW is refused in production');
  const now = new Date(config.CLOCK_NOW);
  if (Number.isNaN(now.getTime())) throw new Error(`CLOCK_NOW is not a date: ${config.CLOCK_NOW}`);
  return new FixedClock(now);
}

/** Issues a supervision notice whose level-2 step was claimed but not issued (found by the reconciler). */
export const finishSupervisionJob = defineJob<{ caseId: string }>({
  name: 'finish-supervision',
  queue: 'escalation',
  payload: z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/) }),
  jobId: (p) => `supervise-${p.caseId}`,
  handle: async (ctx, { caseId }) => {
    const c = await findCase(caseId);
    if (c?.supervisionPending) await finishSupervision(ctx, c);
    return { done: true };
  },
  pending: { find: async (limit) => (await findSupervisionPending(limit)).map((caseId) => ({ caseId })) },
});
