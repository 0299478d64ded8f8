import { Worker, type Job } from 'bullmq';
import { createWorkerRedis } from '../src/redis';
import { QUEUE_NAMES, reconcileJob, type QueueName } from '../src/queues';
import type { WorkerContext } from './job';
import { handlers } from './registry';

const LOCK_MS = 60_000; // bounded job time: a job that holds its lock longer is considered stalled

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue, dispatching by job name to the registry. */
export async function startWorkers(ctx: WorkerContext, concurrency = 4): Promise<RunningWorkers> {
  const byName = new Map(handlers.map((h) => [h.definition.name, h]));
  const connection = createWorkerRedis(ctx.config.REDIS_URL);
  connection.on('error', (err) => ctx.logger.debug({ err: err.message }, 'worker.redis_error'));

  const process = async (job: Job) => {
    const handler = byName.get(job.name);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    const payload = handler.definition.payload.parse(job.data);
    const started = Date.now();
    const result = await handler.handle(ctx, payload as never, job);
    ctx.logger.info({ job: job.name, jobId: job.id, result, durationMs: Date.now() - started }, 'job.done');
    return result;
  };

  const giveUp = async (job: Job) => {
    const handler = byName.get(job.name);
    try {
      const payload = handler?.definition.payload.safeParse(job.data);
      if (handler?.onGiveUp && payload?.success) await handler.onGiveUp(ctx, payload.data as never);
      await job.remove();
      ctx.logger.warn({ job: job.name, jobId: job.id }, 'job.given_up');
    } catch (err) {
      ctx.logger.error({ job: job.name, jobId: job.id, err: (err as Error).message }, 'job.give_up_failed');
    }
  };

  const workers = QUEUE_NAMES.map((name: QueueName) => {
    const worker = new Worker(name, process, {
      connection,
      prefix: ctx.config.REDIS_PREFIX,
      concurrency,
      lockDuration: LOCK_MS,
      maxStalledCount: 2,
    });
    worker.on('error', (err) => ctx.logger.warn({ queue: name, err: err.message }, 'worker.error'));
    worker.on('failed', (job, err) => {
      ctx.logger.warn({ queue: name, job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job.failed');
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void giveUp(job);
    });
    return worker;
  });

  // The reconciler runs on a schedule; upsertJobScheduler is idempotent across many workers.
  await ctx.queues
    .get(reconcileJob.queue)
    .upsertJobScheduler(reconcileJob.name, { every: ctx.config.RECONCILE_EVERY_SECONDS * 1000 }, { name: reconcileJob.name, data: {} });

  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
