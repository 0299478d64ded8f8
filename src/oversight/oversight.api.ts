import { Router } from 'express';
import type { Context } from '../context';
import { requireRole } from '../platform/http/require-role';
import { parseOrThrow } from '../platform/http/validate';
import { rankingQuery } from './oversight.schemas';
import { apiShape, monthlyRanking } from './ranking.service';

/** GET /api/v1/rankings/monthly?month=YYYY-MM: the month's three-rate ranking per series (commission/administrator tokens). */
export function oversightApiRoutes(ctx: Context): Router {
  const r = Router();
  r.get('/rankings/monthly', requireRole('commission', 'admin'), async (req, res) => {
    const { month } = parseOrThrow(rankingQuery, req.query);
    res.json(apiShape((await monthlyRanking(ctx, month)).series));
  });
  return r;
}
