import { Router } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import { openAttachment, unitMaySee } from '../platform/files/attachments';
import { NotFoundError } from '../platform/http/errors';
import { idParam, parseQuery } from '../platform/http/validate';
import { listActiveUnits } from '../units/unit.service';
import { caseListFilter, caseListQuery, hasFilter } from './case.filters';
import { requireRole } from '../platform/http/require-role';
import { User } from '../users/user.model';
import { categoryAdminRoutes } from './category.routes';
import { viewerOf, type CasePage } from './case.page';
import { getCaseFor, listCases } from './case.service';
import { openDuplicateCounts } from './duplicates';
import { revealIdentity } from './identity.service';
import { nameMaps } from './reference';

const revealInput = z.object({ reason: z.string({ error: 'required' }).trim().min(4, { error: 'too_short' }).max(200, { error: 'too_long' }) });

/** Case lists and case pages per role; every read goes through the viewer's scope (caseScope). */
export function casePageRoutes(ctx: Context, casePage: CasePage): Router {
  const r = Router();
  r.use(categoryAdminRoutes());
  const staff = requireRole('commission', 'admin');
  const anyRole = requireRole('commission', 'admin', 'unit', 'supervisor');

  r.get('/commission/cases', staff, async (req, res) => {
    const query = parseQuery(caseListQuery, req.query);
    const seriesUnits = query.series ? (await listActiveUnits()).filter((u) => u.series === query.series).map((u) => u.id) : null;
    const filtered = hasFilter(query);
    // A filtered list is what a dashboard number links to: it shows every case the number counts.
    const cases = await listCases(viewerOf(req), filtered ? 1000 : 100, caseListFilter(query, ctx.config.TZ_COUNTY, seriesUnits));
    const dupes = await openDuplicateCounts(cases.map((c) => ({ id: c.id, categoryCode: c.categoryCode, status: c.status, unitId: c.assignedUnitId ?? c.targetUnitId })));
    res.render('commission/cases', { cases, dupes, filtered, ...(await nameMaps()) });
  });
  r.get('/supervisor', requireRole('supervisor'), async (req, res) => {
    const profile = await User.findById(req.user!.id, { supervisor: 1 }).lean();
    res.render('supervisor/home', { cases: await listCases(viewerOf(req), 100), dupes: null, profile: profile?.supervisor ?? null, ...(await nameMaps()) });
  });

  const roleOfBase = { '/commission/cases': staff, '/unit/cases': requireRole('unit'), '/supervisor/cases': requireRole('supervisor') };
  for (const [base, guard] of Object.entries(roleOfBase)) {
    r.get(`${base}/:id`, guard, async (req, res) => casePage.render(req, res));
  }

  // Seeing who complained is a deliberate, recorded act: commission staff give a reason.
  r.post('/commission/cases/:id/identity', requireRole('commission'), async (req, res) => {
    const parsed = revealInput.safeParse(req.body);
    if (!parsed.success) return casePage.render(req, res, { state: { errors: { reason: parsed.error.issues[0]!.message }, values: {} } }, 400);
    const identity = await revealIdentity(ctx, idParam(req), req.user!.id, parsed.data.reason);
    res.setHeader('Cache-Control', 'no-store');
    await casePage.render(req, res, { identity });
  });

  r.get('/cases/:id/attachments/:n', anyRole, async (req, res) => {
    const c = await getCaseFor(viewerOf(req), idParam(req));
    const file = c.attachments[Number(req.params.n) - 1];
    // A file not cleaned of its metadata (PDF, HEIC, an undecodable picture) may name or locate the filer.
    if (!file || (req.user!.role === 'unit' && !unitMaySee(file))) throw new NotFoundError();
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `inline; filename="${file.filename}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    openAttachment(file.fileId).on('error', () => res.destroy()).pipe(res);
  });
  return r;
}
