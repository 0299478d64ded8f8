import { Router } from 'express';
import type { Context } from '../context';
import { pingMongo, withTimeout } from '../db';
import { scheduleState, type ScheduleState } from '../platform/jobs/schedules';
import { pingRedis } from '../redis';
import { JOBS } from '../registry';

const STATE_TIMEOUT_MS = 1500;

/**
 * `ok`: everything answers and the background work runs. `degraded` (still 200: the web serves
 * every request, so a load balancer must keep it; monitoring alerts on the body): a job schedule
 * is missing or a queue is paused, named in `schedulesMissing` / `queuesPaused`, so nothing is
 * reconciled, swept or closed until it is fixed. `unavailable` (503): MongoDB or Redis is down.
 */
export function healthRoutes(ctx: Context): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const [mongo, redisUp] = await Promise.all([pingMongo(), pingRedis(ctx.redis)]);
    let jobs: ScheduleState | null = null;
    if (redisUp) {
      try {
        jobs = await withTimeout(scheduleState(ctx.queues, JOBS), STATE_TIMEOUT_MS);
      } catch {
        jobs = null; // answered the ping but not the reads: as good as down
      }
    }
    const redis = jobs !== null;
    const degraded = jobs !== null && (jobs.missing.length > 0 || jobs.paused.length > 0);
    const status = !mongo || !redis ? 'unavailable' : degraded ? 'degraded' : 'ok';
    res.status(status === 'unavailable' ? 503 : 200).json({
      status,
      mongo: mongo ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
      ...(jobs ? { schedulesMissing: jobs.missing, queuesPaused: jobs.paused } : {}),
    });
  });
  return r;
}
