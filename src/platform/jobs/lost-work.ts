import type { Redis } from 'ioredis';
import { withTimeout } from '../../db';
import type { JobContext } from './define-job';

/**
 * Queued jobs live only in Redis. A marker key, written once, tells a worker when Redis came
 * back without its data (restarted without persistence, flushed, evicted, failed over to an empty
 * replica): then every job's owed work recorded as queued is marked unqueued in MongoDB, and the
 * reconciler queues it again. Job ids are deterministic and handlers re-check state, so work
 * whose job did survive is neither doubled nor done twice. Returns what was marked, or null when
 * Redis still has its data. Redis calls are bounded by ENQUEUE_TIMEOUT_MS; the marking in MongoDB
 * is not (on a large database it reads every case), and the caller never runs two at once.
 */
export async function recoverLostWork(ctx: JobContext, redis: Redis): Promise<Record<string, number> | null> {
  const key = `${ctx.config.REDIS_PREFIX}:jobs:alive`;
  const bound = <T>(p: Promise<T>) => withTimeout(p, ctx.config.ENQUEUE_TIMEOUT_MS);
  if (await bound(redis.exists(key))) return null;
  const marked: Record<string, number> = {};
  for (const job of ctx.registry.jobs) {
    if (job.pending?.lost) marked[job.name] = await job.pending.lost();
  }
  await bound(redis.set(key, new Date().toISOString()));
  ctx.logger.warn({ marked }, 'jobs.redis_data_lost: owed work handed to the reconciler');
  return marked;
}
