import type { Context } from '../../context';
import type { JobDefinition } from './define-job';

/**
 * How long work recorded as queued may stay undone before the reconciler queues it again anyway.
 * New work is recorded as queued in the same write that saves it (no second write to say so after
 * the job is added: one command less per mail and per complaint), so a process that dies between
 * that write and adding the job leaves work marked queued with no job; the reconciler finds it by
 * its age. Adding a job under an id that is still queued changes nothing.
 */
export const REQUEUE_AFTER_MS = 60_000;

/**
 * Queues a job; when Redis is down returns false instead of throwing, so the caller records the
 * job on its MongoDB document and the reconciler queues it later. Nothing submitted is lost.
 */
export async function tryEnqueue<P>(ctx: Pick<Context, 'queues' | 'logger'>, def: Pick<JobDefinition<P>, 'name' | 'queue' | 'payload' | 'jobId'>, payload: P): Promise<boolean> {
  try {
    // Bounded by the queues' enqueue timeout (ENQUEUE_TIMEOUT_MS): a Redis that accepts
    // connections but does not answer must not hold the request.
    await ctx.queues.enqueue(def, payload);
    return true;
  } catch (err) {
    ctx.logger.warn({ job: def.name, jobId: def.jobId(payload), err: (err as Error).message }, 'job.enqueue_failed');
    return false;
  }
}
