import type { Context } from '../../context';
import type { JobDefinition } from './define-job';

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
