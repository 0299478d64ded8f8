import { Router, type Request, type Response } from 'express';
import type { Context } from '../context';
import { countyDate } from '../clock';
import { ConflictError, NotFoundError } from '../platform/http/errors';
import { formAction, type FormState } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { idParam } from '../platform/http/validate';
import { reportCsv, SECTIONS, type Section } from './report.export';
import { getReport, listReports, reportStatus, reportWorkbook, requestReport } from './report.requests';
import { reportRequest } from './report.schemas';

/** Reports (monthly, quarterly, annual) for the commission and administrators: request, progress, page, print, XLSX, CSV. */
export function reportRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');

  const listPage = async (_req: Request, res: Response, state: FormState, status = 200) => {
    const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
    res.status(status).render('reports/list', { reports: await listReports(), thisYear: Number(today.slice(0, 4)), thisMonth: Number(today.slice(5, 7)), ...state });
  };
  r.get('/commission/reports', staff, (req, res) => listPage(req, res, { errors: {}, values: {} }));
  r.post(
    '/commission/reports',
    staff,
    formAction({ parse: reportRequest, rerender: listPage, act: async (req, input) => `/commission/reports/${await requestReport(ctx, input, req.user!.id)}` }),
  );

  r.get('/commission/reports/:id', staff, async (req, res) => res.render('reports/show', { report: await getReport(idParam(req)), sections: SECTIONS }));
  r.get('/commission/reports/:id/status.json', staff, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await reportStatus(idParam(req)));
  });
  r.get('/commission/reports/:id/print', staff, async (req, res) => {
    const report = await getReport(idParam(req));
    if (report.status !== 'done') throw new ConflictError('not_ready');
    res.render('reports/print', { report, layout: false });
  });
  r.get('/commission/reports/:id/report.xlsx', staff, async (req, res) => {
    const book = await reportWorkbook(idParam(req));
    if (!book) throw new ConflictError('not_ready');
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="report-${book.label}.xlsx"`);
    res.send(book.xlsx);
  });
  r.get('/commission/reports/:id/:section.csv', staff, async (req, res) => {
    const section = SECTIONS.find((s) => s === req.params.section) as Section | undefined;
    if (!section) throw new NotFoundError();
    const report = await getReport(idParam(req));
    if (report.status !== 'done' || !report.figures) throw new ConflictError('not_ready');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="report-${report.label}-${section}.csv"`);
    res.send(reportCsv(report.figures, section));
  });
  return r;
}
