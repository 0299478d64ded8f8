import { Router } from 'express';
import { requireRole } from '../auth/auth.middleware';
import { listActiveCategories } from './category.service';
import { listActiveUnits } from '../units/unit.service';
import { listCases, type Viewer } from './case.service';
import { User } from '../users/user.model';

function viewerOf(req: import('express').Request): Viewer {
  return { role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId };
}

async function lookups() {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  return {
    categoryNames: Object.fromEntries(categories.map((c) => [c.code, c])),
    unitNames: Object.fromEntries(units.map((u) => [u.id, u])),
  };
}

/** Case lists per role; each one reads through the viewer's scope (caseScope). */
export function casePageRoutes(): Router {
  const r = Router();
  r.get('/commission/cases', requireRole('commission', 'admin'), async (req, res) => {
    res.render('commission/cases', { cases: await listCases(viewerOf(req), 100), ...(await lookups()) });
  });
  r.get('/unit/cases', requireRole('unit'), async (req, res) => {
    res.render('unit/cases', { cases: await listCases(viewerOf(req), 100), ...(await lookups()) });
  });
  r.get('/supervisor', requireRole('supervisor'), async (req, res) => {
    const profile = await User.findById(req.user!.id, { supervisor: 1 }).lean();
    res.render('supervisor/home', {
      cases: await listCases(viewerOf(req), 100),
      profile: profile?.supervisor ?? null,
      ...(await lookups()),
    });
  });
  return r;
}
