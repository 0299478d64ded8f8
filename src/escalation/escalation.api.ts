import { Router } from 'express';
import type { Context } from '../context';
import { requireRole } from '../platform/http/require-role';
import { parseOrThrow } from '../platform/http/validate';
import { boardQuery, overdueBoard } from './board.service';

/** GET /api/v1/overdue?series=&unitId=&level=&sort=: the overdue board (commission tokens). */
export function escalationApiRoutes(ctx: Context): Router {
  const r = Router();
  r.get('/overdue', requireRole('commission', 'admin'), async (req, res) => {
    res.json({ cases: await overdueBoard(ctx, parseOrThrow(boardQuery, req.query)) });
  });
  return r;
}
