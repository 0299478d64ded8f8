import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import type { CasePage } from '../cases/case.page';
import { userActor } from '../cases/case.timeline';
import { findCategory } from '../cases/category.service';
import { nameMaps } from '../cases/reference';
import { NotFoundError } from '../platform/http/errors';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { fieldErrors, idParam, wholeNumber } from '../platform/http/validate';
import { PRIORITIES, type Priority } from '../routing/deadline-policy.model';
import { findUnit } from '../units/unit.service';
import { boardCsv, boardQuery, boardXlsx, overdueBoard } from './board.service';
import { SupervisionNotice, supervisionNumber } from './escalation.models';
import { escalateByHand } from './escalation.service';
import { listPolicies, setPolicy } from './policy.service';

const reminderList = z
  .string({ error: 'required' })
  .trim()
  .transform((v) => (v ? v.split(/[\s,，;；]+/).filter(Boolean).map(Number) : []))
  .refine((days) => days.length <= 5 && days.every((d) => Number.isInteger(d) && d >= 1 && d <= 30), { error: 'reminder_days' });

const policyRow = z.object({ level2AfterDays: wholeNumber(1, 60), level3AfterDays: wholeNumber(1, 60), reminderDays: reminderList });

/** The overdue board and its exports, supervision notices, urging by hand, and the ladder's settings. */
export function escalationRoutes(ctx: Context, casePage: CasePage): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');

  const board = async (req: Request) => {
    const q = boardQuery.safeParse(req.query);
    return { query: q.success ? q.data : boardQuery.parse({}), rows: await overdueBoard(ctx, q.success ? q.data : boardQuery.parse({})), errors: q.success ? {} : fieldErrors(q.error.issues) };
  };
  r.get('/commission/overdue', staff, async (req, res) => {
    const { query, rows, errors } = await board(req);
    res.render('escalation/board', { query, rows, errors, qs: new URLSearchParams(Object.entries(req.query).filter(([, v]) => typeof v === 'string') as [string, string][]).toString(), ...(await nameMaps()) });
  });
  r.get('/commission/overdue.csv', staff, async (req, res) => {
    const { rows } = await board(req);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="overdue.csv"');
    res.send(boardCsv(rows));
  });
  r.get('/commission/overdue.xlsx', staff, async (req, res) => {
    const { rows } = await board(req);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', 'attachment; filename="overdue.xlsx"');
    res.send(await boardXlsx(rows, ctx.clock.now()));
  });

  // The supervision notice as an A4 page; a unit sees only its own.
  r.get('/supervision-notices/:id', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    const scope = req.user!.role === 'unit' ? { unitId: req.user!.unitId } : {};
    const notice = await SupervisionNotice.findOne({ _id: idParam(req), ...scope }).lean();
    if (!notice) throw new NotFoundError();
    const [unit, category] = await Promise.all([findUnit(notice.unitId), findCategory(notice.categoryCode)]);
    res.render('escalation/print', { notice, number: supervisionNumber(notice), unit, category, layout: false });
  });

  for (const [path, level] of [
    ['urge', 1],
    ['supervise', 2],
  ] as const) {
    r.post(
      `/commission/cases/:id/${path}`,
      requireRole('commission'),
      formAction({
        parse: z.object({}),
        rerender: casePage.rerender,
        act: async (req) => {
          await escalateByHand(ctx, idParam(req), level, userActor(req.user!));
          return `/commission/cases/${idParam(req)}`;
        },
      }),
    );
  }

  // The ladder per priority.
  const admin = requireRole('admin');
  const renderPolicies = async (res: import('express').Response, errors: Record<string, string> = {}, values: Record<string, unknown> | null = null, status = 200) =>
    res.status(status).render('escalation/policies', { policies: await listPolicies(), errors, values, saved: false });
  r.get('/admin/escalation', admin, async (_req, res) => renderPolicies(res));
  r.post('/admin/escalation', admin, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: Record<string, string> = {};
    const parsed: Partial<Record<Priority, z.infer<typeof policyRow>>> = {};
    for (const p of PRIORITIES) {
      const row = policyRow.safeParse({ level2AfterDays: body[`${p}.level2AfterDays`], level3AfterDays: body[`${p}.level3AfterDays`], reminderDays: body[`${p}.reminderDays`] ?? '' });
      if (row.success) parsed[p] = row.data;
      else for (const [k, v] of Object.entries(fieldErrors(row.error.issues))) errors[`${p}.${k}`] = v;
    }
    if (Object.keys(errors).length) return renderPolicies(res, errors, body, 400);
    for (const p of PRIORITIES) await setPolicy(p, parsed[p]!);
    res.redirect(303, '/admin/escalation');
  });
  return r;
}
