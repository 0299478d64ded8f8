import type { RequestHandler } from 'express';
import type { Context } from '../../context';
import { TooManyRequestsError } from './errors';
import { hitLimit } from './rate-limit';

/**
 * Per-IP flood protection, counted in Redis so every web process shares the count. When Redis
 * is down it lets the request through (and says so in the log): a citizen's complaint must not
 * be refused because the limiter is unavailable.
 */
export function limitPerIp(ctx: Pick<Context, 'redis' | 'config' | 'logger'>, name: string, max: number, windowSeconds: number): RequestHandler {
  return async (req, _res, next) => {
    const key = `${ctx.config.REDIS_PREFIX}:limit:${name}:${req.ip ?? 'unknown'}`;
    let limit;
    try {
      limit = await hitLimit(ctx.redis, key, max, windowSeconds);
    } catch (err) {
      ctx.logger.warn({ limit: name, err: (err as Error).message }, 'limit.unavailable');
      return next();
    }
    if (limit.blocked) return next(new TooManyRequestsError(limit.retryAfterSeconds));
    next();
  };
}
