import type { RequestHandler } from 'express';
import type { Context } from '../../context';
import { withTimeout } from '../../db';
import { TooManyRequestsError } from './errors';
import { hitLimit, refundLimit } from './rate-limit';

/**
 * Per-IP flood protection, counted in Redis so every web process shares the count. When Redis
 * is down, or answers nothing within REDIS_COMMAND_TIMEOUT_MS (frozen), it lets the request
 * through (and says so in the log): a citizen's complaint must not be refused, nor kept waiting,
 * because the limiter is unavailable.
 */
export function limitPerIp(ctx: Pick<Context, 'redis' | 'config' | 'logger'>, name: string, max: number, windowSeconds: number): RequestHandler {
  return async (req, _res, next) => {
    const key = `${ctx.config.REDIS_PREFIX}:limit:${name}:${req.ip ?? 'unknown'}`;
    let limit;
    try {
      limit = await withTimeout(hitLimit(ctx.redis, key, max, windowSeconds), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
    } catch (err) {
      ctx.logger.warn({ limit: name, err: (err as Error).message }, 'limit.unavailable');
      return next();
    }
    if (limit.blocked) return next(new TooManyRequestsError(limit.retryAfterSeconds));
    next();
  };
}

/**
 * Per-IP limit on misses when a secret in the path is looked up (ballot codes): only answers of
 * 404 count, so a voter's seventy saves never do, while a run of guesses is stopped with 429.
 * Like the other limits, it lets requests through when Redis is down.
 */
export function limitMissesPerIp(ctx: Pick<Context, 'redis' | 'config' | 'logger'>, name: string, max: number, windowSeconds: number): RequestHandler {
  return async (req, res, next) => {
    const key = `${ctx.config.REDIS_PREFIX}:limit:${name}:${req.ip ?? 'unknown'}`;
    // Counted before the look-up (one atomic increment), so parallel guesses cannot all pass a
    // check made before any of them was counted; an answer that was not a miss gives its count back.
    try {
      const limit = await withTimeout(hitLimit(ctx.redis, key, max, windowSeconds), ctx.config.REDIS_COMMAND_TIMEOUT_MS);
      if (limit.blocked) return next(new TooManyRequestsError(limit.retryAfterSeconds));
    } catch (err) {
      ctx.logger.warn({ limit: name, err: (err as Error).message }, 'limit.unavailable');
      return next();
    }
    res.on('finish', () => {
      if (res.statusCode !== 404) refundLimit(ctx.redis, key).catch(() => undefined);
    });
    next();
  };
}
