import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { withTimeout } from '../../db';
import { createWorkerRedis } from '../../redis';
import type { AnyJob, JobContext } from './define-job';
import { recoverLostWork } from './lost-work';
import { declareSchedules, scheduleState } from './schedules';

export interface RunningWorkers {
  workers: Worker[];
  /**
   * Stops taking jobs and waits for running ones; after `timeoutMs` it stops waiting, and a job
   * still running keeps its lock until `JOB_LOCK_MS` runs out, when BullMQ's stalled check (in any
   * worker) puts it back in the queue. No job is lost either way.
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Starts one BullMQ worker per queue the registered jobs use, dispatching by job name, and
 * declares every job's schedule (idempotent across many worker processes), then keeps them.
 */
export async function startWorkers(ctx: JobContext, concurrency = 4): Promise<RunningWorkers> {
  const jobs = ctx.registry.jobs;
  const byName = new Map<string, AnyJob>(jobs.map((j) => [j.name, j]));
  const connection = createWorkerRedis(ctx.config.REDIS_URL);
  connection.on('error', (err) => ctx.logger.debug({ err: err.message }, 'worker.redis_error'));

  let inFlight = 0;
  const process = async (job: Job) => {
    const def = byName.get(job.name);
    if (!def) throw new Error(`no handler for job ${job.name}`);
    const payload = def.payload.parse(job.data);
    const started = Date.now();
    inFlight += 1;
    try {
      const result = await def.handle(ctx, payload, job);
      ctx.logger.info({ job: job.name, jobId: job.id, result, durationMs: Date.now() - started }, 'job.done');
      return result;
    } finally {
      inFlight -= 1;
    }
  };

  const giveUp = async (job: Job) => {
    const def = byName.get(job.name);
    try {
      const payload = def?.payload.safeParse(job.data);
      if (def?.onGiveUp && payload?.success) await def.onGiveUp(ctx, payload.data);
      await job.remove();
      ctx.logger.warn({ job: job.name, jobId: job.id }, 'job.given_up');
    } catch (err) {
      ctx.logger.error({ job: job.name, jobId: job.id, err: (err as Error).message }, 'job.give_up_failed');
    }
  };

  const queueNames = [...new Set(jobs.map((j) => j.queue))];
  const workers = queueNames.map((name) => {
    const worker = new Worker(name, process, {
      connection,
      prefix: ctx.config.REDIS_PREFIX,
      concurrency,
      lockDuration: ctx.config.JOB_LOCK_MS,
      // A stalled job is noticed within a lock's time (BullMQ checks every 30 s by default).
      stalledInterval: Math.min(30_000, ctx.config.JOB_LOCK_MS),
      maxStalledCount: 2,
    });
    worker.on('error', (err) => ctx.logger.warn({ queue: name, err: err.message }, 'worker.error'));
    worker.on('failed', (job, err) => {
      ctx.logger.warn({ queue: name, job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job.failed');
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void giveUp(job);
    });
    return worker;
  });

  const stopKeeping = keepSchedules(ctx, connection, [connection, ctx.queues.connection]);
  await recoverLostWork(ctx, connection).catch((err: Error) => ctx.logger.warn({ err: err.message }, 'jobs.lost_check_failed'));
  await declareSchedules(ctx, jobs);
  return {
    workers,
    async close(timeoutMs = ctx.config.SHUTDOWN_TIMEOUT_MS) {
      stopKeeping();
      let timer: NodeJS.Timeout | undefined;
      const finished = Promise.all(workers.map((w) => w.close())).then(() => true);
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const inTime = await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      if (!inTime) {
        ctx.logger.warn({ running: inFlight }, 'worker.stop_timeout: leaving running jobs to return to the queue');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * Schedules live only in Redis: a Redis restarted without persistence, flushed, evicting or failed
 * over to an empty replica loses them, and then nothing is reconciled, swept or closed until a
 * worker restarts. So every SCHEDULE_CHECK_SECONDS, and whenever a connection comes back, declare
 * again whatever is missing. Returns the function that stops it.
 */
function keepSchedules(ctx: JobContext, redis: Redis, connections: Redis[]): () => void {
  let running = false;
  let again = false;
  const check = async (why: string) => {
    if (running) {
      again = true; // a reconnect during a check: look once more when it ends
      return;
    }
    running = true;
    try {
      await recoverLostWork(ctx, redis);
      const { missing } = await withTimeout(scheduleState(ctx.queues, ctx.registry.jobs), ctx.config.ENQUEUE_TIMEOUT_MS);
      if (missing.length) {
        await withTimeout(declareSchedules(ctx, ctx.registry.jobs, missing), ctx.config.ENQUEUE_TIMEOUT_MS);
        ctx.logger.warn({ schedules: missing, why }, 'schedules.redeclared');
      }
    } catch (err) {
      ctx.logger.warn({ why, err: (err as Error).message }, 'schedules.check_failed');
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      await check(why);
    }
  };
  const timer = setInterval(() => void check('periodic'), ctx.config.SCHEDULE_CHECK_SECONDS * 1000);
  timer.unref();
  // 'ready' fires on the first connect too; only later ones are reconnects.
  const listeners = connections.map((c) => {
    let connected = c.status === 'ready';
    const onReady = () => {
      if (connected) void check('reconnected');
      connected = true;
    };
    c.on('ready', onReady);
    return () => c.off('ready', onReady);
  });
  return () => {
    clearInterval(timer);
    for (const off of listeners) off();
  };
}
