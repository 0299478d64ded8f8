import type { Context } from '../../src/context';
import { until } from './wait';

export interface FinishedJob {
  state: 'completed' | 'failed';
  /** The handler's answer (completed). */
  result?: unknown;
  /** BullMQ's failedReason (failed). */
  reason?: string;
}

/**
 * Waits until a job has finished, completed or failed for good (after its last attempt; while it
 * waits for a retry it is `delayed`), by reading its state in BullMQ. Use it before asserting
 * that a job did nothing more, instead of sleeping. The state is read, not listened for: a
 * QueueEvents listener can miss a job that finishes while it is still starting up. The job must
 * exist: jobs queued through `ctx.queues` keep theirs for an hour; a job the workers gave up is
 * removed (wait for what its give-up did instead).
 */
export async function jobFinished(ctx: Pick<Context, 'queues'>, queueName: string, jobId: string, timeoutMs = 30000): Promise<FinishedJob> {
  const queue = ctx.queues.get(queueName);
  const state = await until(async () => {
    const s = await queue.getJobState(jobId);
    if (s === 'unknown') throw new Error(`no job ${jobId} in queue ${queueName}`);
    return s === 'completed' || s === 'failed' ? s : null;
  }, timeoutMs);
  const job = await queue.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} in queue ${queueName} was removed as it finished`);
  return state === 'completed' ? { state, result: job.returnvalue } : { state, reason: job.failedReason };
}
