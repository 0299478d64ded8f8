import { Router } from 'express';
import { requireRole } from '../platform/http/require-role';
import { idParam } from '../platform/http/validate';
import { Bulletin, type BulletinLean } from './bulletin.model';
import { bulletinJson, getBulletin } from './bulletin.service';

/** GET /api/v1/bulletins and /api/v1/bulletins/{id}: the typical-case notices (commission tokens). */
export function bulletinApiRoutes(): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');
  r.get('/bulletins', staff, async (_req, res) => {
    const rows = await Bulletin.find().sort({ createdAt: -1 }).limit(500).lean<BulletinLean[]>();
    res.json({ bulletins: rows.map(bulletinJson) });
  });
  r.get('/bulletins/:id', staff, async (req, res) => res.json(bulletinJson(await getBulletin(idParam(req)))));
  return r;
}
