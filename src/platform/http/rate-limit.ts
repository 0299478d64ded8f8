import type { Redis } from 'ioredis';

export interface Limit {
  count: number;
  blocked: boolean;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counter in Redis, shared by every web process. INCR then EXPIRE on the first hit
 * (NX keeps a later hit from extending the window).
 */
export async function hitLimit(redis: Redis, key: string, max: number, windowSeconds: number): Promise<Limit> {
  const [[, count], , [, ttl]] = (await redis
    .multi()
    .incr(key)
    .expire(key, windowSeconds, 'NX')
    .ttl(key)
    .exec()) as [[null, number], [null, number], [null, number]];
  return { count, blocked: count > max, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
}

/**
 * Gives one hit back (an attempt that turned out legitimate). Only an existing, positive count is
 * lowered: a DECR on an expired key would leave a negative count without expiry, a permanent credit.
 */
const REFUND = "local n = tonumber(redis.call('get', KEYS[1]) or '0') if n > 0 then return redis.call('decr', KEYS[1]) end return 0";
export async function refundLimit(redis: Redis, key: string): Promise<void> {
  await redis.eval(REFUND, 1, key);
}

export async function clearLimit(redis: Redis, key: string): Promise<void> {
  await redis.del(key);
}
