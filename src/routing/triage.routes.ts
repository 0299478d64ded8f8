import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/auth.middleware';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { casePageModel } from '../cases/case.routes';
import { listActiveCategories } from '../cases/category.service';
import { dueDate } from '../calendar/calendar.service';
import { CalendarGapError } from '../calendar/working-days';
import { AppError, ValidationError } from '../http/errors';
import { fieldErrors, parseOrThrow } from '../http/validate';
import { listActiveUnits } from '../units/unit.service';
import { assignCase } from './assignment.service';
import { splitCase } from './split.service';
import { assignInput, duePreviewInput, parseSplitForm, rejectInput } from './triage.schemas';
import { rejectCase, triageQueue } from './triage.service';

/** The commission's triage: the queue, and accepting (assigning), re-routing or rejecting a case. */
export function triageRoutes(ctx: Context): Router {
  const r = Router();
  const commission = requireRole('commission');

  r.get('/commission/triage', requireRole('commission', 'admin'), async (_req, res) => {
    const [cases, categories, units] = await Promise.all([triageQueue(), listActiveCategories(), listActiveUnits()]);
    res.render('commission/triage', {
      cases,
      categoryNames: Object.fromEntries(categories.map((c) => [c.code, c])),
      unitNames: Object.fromEntries(units.map((u) => [u.id, u])),
    });
  });

  // The due date a number of working days gives, for the assign form's preview.
  r.get('/commission/due-date', requireRole('commission', 'admin'), async (req, res) => {
    const { from, workingDays } = parseOrThrow(duePreviewInput, req.query);
    try {
      res.json({ due: await dueDate(from ?? countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY), workingDays) });
    } catch (err) {
      if (err instanceof CalendarGapError) throw new AppError(422, 'calendar_gap', 'calendar_gap');
      throw err;
    }
  });

  const again = async (req: Request, res: Response, errors: Record<string, string>, status = 400) =>
    res.status(status).render('cases/detail', await casePageModel(req, { errors, values: req.body }));

  r.post('/commission/cases/:id/assign', commission, async (req, res) => {
    const parsed = assignInput.safeParse(req.body);
    if (!parsed.success) return again(req, res, fieldErrors(parsed.error.issues));
    const { unitId, categoryCode, priority, workingDays, basis, requirements, assignmentNo } = parsed.data;
    try {
      await assignCase(ctx, String(req.params.id), { unitId, categoryCode, priority, workingDays, basis, requirements, expectedAssignmentNo: assignmentNo, by: { kind: 'user', userId: req.user!.id } });
    } catch (err) {
      if (err instanceof ValidationError) return again(req, res, err.fields ?? {});
      if (err instanceof AppError && err.code === 'state_changed') return again(req, res, { _: 'state_changed' }, 409);
      throw err;
    }
    res.redirect(303, `/commission/cases/${String(req.params.id)}`);
  });

  r.post('/commission/cases/:id/reject', commission, async (req, res) => {
    const parsed = rejectInput.safeParse(req.body);
    if (!parsed.success) return again(req, res, fieldErrors(parsed.error.issues));
    try {
      await rejectCase(ctx, String(req.params.id), parsed.data, req.user!.id);
    } catch (err) {
      if (err instanceof AppError && err.status === 400) return again(req, res, err.fields ?? {});
      if (err instanceof AppError && err.code === 'state_changed') return again(req, res, { _: 'state_changed' }, 409);
      throw err;
    }
    res.redirect(303, `/commission/cases/${String(req.params.id)}`);
  });
  r.post('/commission/cases/:id/split', commission, async (req, res) => {
    const { parts, errors } = parseSplitForm(req.body ?? {});
    if (Object.keys(errors).length) return again(req, res, errors);
    try {
      await splitCase(ctx, String(req.params.id), parts, req.user!.id);
    } catch (err) {
      if (err instanceof ValidationError) return again(req, res, err.fields ?? {});
      if (err instanceof AppError && err.code === 'state_changed') return again(req, res, { _: 'state_changed' }, 409);
      throw err;
    }
    res.redirect(303, `/commission/cases/${String(req.params.id)}`);
  });
  return r;
}
