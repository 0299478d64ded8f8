import type { Redis } from 'ioredis';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Queues, JobDefinition } from './queues';

/** What services need from the outside world; built once per process, passed explicitly. */
export interface Context {
  config: Config;
  clock: Clock;
  logger: Logger;
  queues: Queues;
  redis: Redis;
}

/**
 * Queues a job; when Redis is down returns false instead of throwing, so the caller records the
 * job on its MongoDB document and the reconciler queues it later. Nothing submitted is lost.
 */
export async function tryEnqueue<P>(ctx: Pick<Context, 'queues' | 'logger'>, def: JobDefinition<P>, payload: P): Promise<boolean> {
  try {
    await ctx.queues.enqueue(def, payload);
    return true;
  } catch (err) {
    ctx.logger.warn({ job: def.name, jobId: def.jobId(payload), err: (err as Error).message }, 'job.enqueue_failed');
    return false;
  }
}
