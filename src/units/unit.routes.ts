import { Router } from 'express';
import { requireRole } from '../platform/http/require-role';
import { Unit } from './unit.model';

export function unitAdminRoutes(): Router {
  const r = Router();
  r.get('/admin/units', requireRole('admin', 'commission'), async (_req, res) => {
    const units = await Unit.find().sort({ series: 1, code: 1 }).lean();
    res.render('admin/units', { units });
  });
  return r;
}
