import type { Context } from '../../context';
import type { AnyJob } from './define-job';
import type { Queues } from './queues';

/** What is wrong with the background work as Redis holds it; empty lists when all is well. */
export interface ScheduleState {
  /** Jobs whose schedule is gone from Redis (restarted empty, flushed, evicted, removed by hand). */
  missing: string[];
  /** Queues an operator paused: their jobs wait and nothing runs. */
  paused: string[];
}

/**
 * Reads every schedule the registered jobs declare and every queue's pause flag. A schedule
 * counts as missing when its record is gone or its next run is (either way nothing would run).
 * Throws when Redis does not answer; the caller bounds the wait.
 */
export async function scheduleState(queues: Queues, jobs: readonly AnyJob[]): Promise<ScheduleState> {
  const scheduled = jobs.filter((j) => j.schedule);
  const [missing, paused] = await Promise.all([
    Promise.all(
      scheduled.map(async (job) => {
        const queue = queues.get(job.queue);
        const s = await queue.getJobScheduler(job.name);
        if (!s?.next) return job.name;
        // The scheduler points at its next run's job (or, for a moment while a worker starts it,
        // at the running one). Gone or finished, nothing would run again.
        const state = await queue.getJobState(`repeat:${job.name}:${s.next}`);
        return ['unknown', 'completed', 'failed'].includes(state) ? job.name : null;
      }),
    ),
    Promise.all(queues.all().map(async (q) => ((await q.isPaused()) ? q.name : null))),
  ]);
  return { missing: missing.filter((n): n is string => n !== null), paused: paused.filter((n): n is string => n !== null) };
}

/**
 * Creates or updates the job scheduler of every job that has a schedule (or only those named);
 * idempotent: an `every` schedule keeps its next run, a cron one computes the same next run.
 */
export async function declareSchedules(ctx: Pick<Context, 'config' | 'queues'>, jobs: readonly AnyJob[], only?: readonly string[]): Promise<string[]> {
  const declared: string[] = [];
  for (const job of jobs) {
    if (!job.schedule || (only && !only.includes(job.name))) continue;
    const s = job.schedule(ctx.config);
    const repeat = s.pattern ? { pattern: s.pattern, tz: s.tz ?? ctx.config.TZ_COUNTY } : { every: s.every };
    // Runs are dropped once done, like every other job: a minute's reconcile would otherwise
    // leave 1,440 finished jobs a day in Redis.
    const opts = { removeOnComplete: { age: 3600, count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } };
    await ctx.queues.get(job.queue).upsertJobScheduler(job.name, repeat, { name: job.name, data: {}, opts });
    declared.push(job.name);
  }
  return declared;
}
