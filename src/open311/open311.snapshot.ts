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
/** Bumped when a mark the snapshot depends on changes: a snapshot built from before is not saved. */
const versionKey = (ctx: Pick<Context, 'config'>) => `${key(ctx)}:version`;

// Saves the snapshot only if no drop came while it was being built (its scan may predate the change).
const SAVE_IF_CURRENT = "if (redis.call('get', KEYS[2]) or '') == ARGV[3] then redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end return 0";

/** Rebuilds in flight, per Redis key and version: parallel misses in one process share one scan. */
const building = new Map<string, Promise<RequestFacts[]>>();

async function build(ctx: Pick<Context, 'config' | 'redis' | 'clock' | 'logger'>, version: string): Promise<RequestFacts[]> {
  const now = ctx.clock.now().getTime();
  const cases = await Case.find({ submittedAt: { $gte: new Date(now - SNAPSHOT_DAYS * DAY_MS) } }, FACT_FIELDS)
    .sort({ submittedAt: -1, _id: -1 })
    .limit(SNAPSHOT_MAX)
    .lean();
  const facts = await publicFacts(cases as CaseLean[]);
  const stored: Stored = { at: now, facts };
  try {
    await withTimeout(ctx.redis.eval(SAVE_IF_CURRENT, 2, key(ctx), versionKey(ctx), JSON.stringify(stored), ctx.config.OPEN311_PUBLIC_CACHE_SECONDS, version), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
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
  let version: string;
  try {
    const [snapshot, v] = await withTimeout(ctx.redis.mget(k, versionKey(ctx)), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
    raw = snapshot ?? null;
    version = v ?? '';
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'open311.snapshot_unavailable');
    throw new ServiceUnavailableError('redis');
  }
  if (raw) {
    const stored = JSON.parse(raw) as Stored;
    const age = ctx.clock.now().getTime() - stored.at;
    if (age >= 0 && age < ctx.config.OPEN311_PUBLIC_CACHE_SECONDS * 1000) return stored.facts;
  }
  const b = `${k}:${version}`;
  let pending = building.get(b);
  if (!pending) {
    pending = build(ctx, version).finally(() => building.delete(b));
    building.set(b, pending);
  }
  return pending;
}

/**
 * A case's publishable mark changed: the next anonymous read builds a new snapshot, so a
 * withdrawn text leaves the public list at once instead of up to a cache period later. The
 * version bump keeps a rebuild already under way (scanned before the change) from being saved.
 */
export async function dropPublicSnapshot(ctx: Pick<Context, 'config' | 'redis' | 'logger'>): Promise<void> {
  try {
    await withTimeout(ctx.redis.multi().incr(versionKey(ctx)).del(key(ctx)).exec(), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
  } catch (err) {
    // The mark is saved; without Redis the anonymous reads answer 503 anyway, and a snapshot
    // Redis still holds expires within OPEN311_PUBLIC_CACHE_SECONDS.
    ctx.logger.warn({ err: (err as Error).message }, 'open311.snapshot_not_dropped');
  }
}
