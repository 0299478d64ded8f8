import { Case } from '../cases/case.model';
import type { Context } from '../context';
import { withTimeout } from '../db';
import { ServiceUnavailableError } from '../platform/http/errors';
import { FACT_FIELDS, publicFacts, type CaseLean, type RequestFacts } from './open311.facts';

// Anonymous Open311 reads are public and may come often (every app polling statuses), but a
// query on `cases` scans the whole collection here (FerretDB, DESIGN §7). So the public list is
// answered from one snapshot of the recent requests, kept in Redis for every web process and
// rebuilt at most once per OPEN311_PUBLIC_CACHE_SECONDS: one scan a minute, whatever the traffic
// or the filters. The snapshot holds the status-only facts; a complaint's text and place only
// for cases the commission marked publishable, so nothing private is ever cached.

/** The snapshot covers the requests of the last SNAPSHOT_DAYS days, newest SNAPSHOT_MAX of them. */
export const SNAPSHOT_DAYS = 90;
export const SNAPSHOT_MAX = 2000;
const DAY_MS = 24 * 3600 * 1000;

interface Stored {
  /** When it was built, by the app's clock (ms). */
  at: number;
  facts: RequestFacts[];
}

const key = (ctx: Pick<Context, 'config'>) => `${ctx.config.REDIS_PREFIX}:open311:public-snapshot`;

/** Rebuilds in flight, per Redis key: parallel misses in one process share one scan. */
const building = new Map<string, Promise<RequestFacts[]>>();

async function build(ctx: Pick<Context, 'config' | 'redis' | 'clock' | 'logger'>): Promise<RequestFacts[]> {
  const now = ctx.clock.now().getTime();
  const cases = await Case.find({ submittedAt: { $gte: new Date(now - SNAPSHOT_DAYS * DAY_MS) } }, FACT_FIELDS)
    .sort({ submittedAt: -1, _id: -1 })
    .limit(SNAPSHOT_MAX)
    .lean();
  const facts = await publicFacts(cases as CaseLean[]);
  const stored: Stored = { at: now, facts };
  try {
    await withTimeout(ctx.redis.set(key(ctx), JSON.stringify(stored), 'EX', ctx.config.OPEN311_PUBLIC_CACHE_SECONDS), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
  } catch (err) {
    // This answer is still right; the next call builds again.
    ctx.logger.warn({ err: (err as Error).message }, 'open311.snapshot_not_saved');
  }
  return facts;
}

/**
 * The recent requests, newest first, as the public may read them. Fresh while younger than
 * OPEN311_PUBLIC_CACHE_SECONDS by the app's clock (Redis expires it too, by its own). Without
 * Redis the anonymous reads answer 503: falling back to a scan per call is what this avoids.
 */
export async function publicSnapshot(ctx: Pick<Context, 'config' | 'redis' | 'clock' | 'logger'>): Promise<RequestFacts[]> {
  const k = key(ctx);
  let raw: string | null;
  try {
    raw = await withTimeout(ctx.redis.get(k), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'open311.snapshot_unavailable');
    throw new ServiceUnavailableError('redis');
  }
  if (raw) {
    const stored = JSON.parse(raw) as Stored;
    const age = ctx.clock.now().getTime() - stored.at;
    if (age >= 0 && age < ctx.config.OPEN311_PUBLIC_CACHE_SECONDS * 1000) return stored.facts;
  }
  let pending = building.get(k);
  if (!pending) {
    pending = build(ctx).finally(() => building.delete(k));
    building.set(k, pending);
  }
  return pending;
}
