import { Router } from 'express';
import type { Context } from '../context';
import { pingMongo } from '../db';
import { pingRedis } from '../redis';

export function healthRoutes(ctx: Context): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const [mongo, redis] = await Promise.all([pingMongo(), pingRedis(ctx.redis)]);
    const body = { status: mongo && redis ? 'ok' : 'unavailable', mongo: mongo ? 'up' : 'down', redis: redis ? 'up' : 'down' };
    res.status(mongo && redis ? 200 : 503).json(body);
  });
  return r;
}
