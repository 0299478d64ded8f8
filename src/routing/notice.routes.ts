import { idParam } from '../platform/http/validate';
import { Router } from 'express';
import { requireRole } from '../platform/http/require-role';
import { Category } from '../cases/category.model';
import { NotFoundError } from '../platform/http/errors';
import { Unit } from '../units/unit.model';
import { Notice, noticeNumber } from './notice.model';

/** The notice as a formal A4 page the unit prints or saves as PDF; a unit sees only its own. */
export function noticeRoutes(): Router {
  const r = Router();
  r.get('/notices/:id', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    const id = idParam(req);
    const scope = req.user!.role === 'unit' ? { unitId: req.user!.unitId } : {};
    const notice = await Notice.findOne({ _id: id, ...scope }).lean();
    if (!notice) throw new NotFoundError();
    const [unit, category] = await Promise.all([Unit.findById(notice.unitId).lean(), Category.findOne({ code: notice.categoryCode }).lean()]);
    res.render('notices/print', { notice, number: noticeNumber(notice), unit, category, layout: false });
  });
  return r;
}
