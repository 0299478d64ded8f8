import { Router, type Request } from 'express';
import type { Context } from '../context';
import type { CasePage } from '../cases/case.page';
import { getCaseFor } from '../cases/case.service';
import { listDissatisfied } from '../cases/case.service';
import { nameMaps } from '../cases/reference';
import { acceptAttachments, openAttachment, unitMaySee, type UploadedFile } from '../platform/files/attachments';
import { ForbiddenError, NotFoundError, type ValidationError } from '../platform/http/errors';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { fieldErrors, idParam, parseOrThrow, parseQuery, wholeNumber } from '../platform/http/validate';
import { findUnit } from '../units/unit.service';
import { recordContact } from './contact.service';
import { decideExtension, requestExtension } from './extensions.service';
import { closeDissatisfied, markUnreasonable, recordFollowUp, reopenCase } from './followup.service';
import { handlerOf } from './handling';
import { INBOX_TABS, unitInbox, type InboxTab } from './inbox';
import { unitMetrics, yearToDate } from './metrics.service';
import { askQuestion, closeQuestion } from './questions.service';
import { reviewReport, submitReport } from './reports.service';
import * as s from './rectification.schemas';
import { ruleSendBack, sendBack, signCase } from './signing.service';

const nParam = (req: Request) => parseOrThrow(wholeNumber(1, 1000), req.params.n);

/** The unit's inbox and handling forms, the commission's decisions, the dissatisfied list and the metrics pages. */
export function rectificationRoutes(ctx: Context, casePage: CasePage): Router {
  const r = Router();
  const unit = requireRole('unit');
  const commission = requireRole('commission');
  const unitPath = (req: Request) => `/unit/cases/${idParam(req)}`;
  const casePath = (req: Request) => `/commission/cases/${idParam(req)}`;
  const rerender = casePage.rerender;

  r.get('/unit/cases', unit, async (req, res) => {
    const tab = (INBOX_TABS as readonly string[]).includes(String(req.query.tab)) ? (req.query.tab as InboxTab) : null;
    const { rows, counts } = await unitInbox(ctx, req.user!.unitId!);
    res.render('unit/cases', { rows: tab ? rows.filter((x) => x.tabs.includes(tab)) : rows, total: rows.length, counts, tab, tabs: INBOX_TABS, ...(await nameMaps()) });
  });

  // The unit's steps.
  const unitForm = <T>(path: string, parse: Parameters<typeof formAction<T>>[0]['parse'], act: (req: Request, input: T) => Promise<unknown>) =>
    r.post(`/unit/cases/:id/${path}`, unit, formAction<T>({ parse, rerender, act: async (req, input) => (await act(req, input), unitPath(req)) }));
  unitForm('sign', s.noInput, (req) => signCase(ctx, idParam(req), handlerOf(req)));
  unitForm('send-back', s.sendBackInput, (req, input) => sendBack(ctx, idParam(req), handlerOf(req), input));
  unitForm('contact', s.contactInput, (req, input) => recordContact(ctx, idParam(req), handlerOf(req), input));
  unitForm('questions', s.questionInput, (req, input) => askQuestion(ctx, idParam(req), handlerOf(req), input.text));
  unitForm('extensions', s.extensionInput, (req, input) => requestExtension(ctx, idParam(req), handlerOf(req), input));
  r.post(
    '/unit/cases/:id/reports',
    unit,
    acceptAttachments(),
    formAction({
      // Upload problems (too many, too large) are reported with the other fields' reasons.
      parse: (fields, _req, res) => {
        const parsed = s.reportInput.safeParse(fields);
        const upload = (res.locals.uploadError as ValidationError | undefined)?.fields ?? {};
        if (parsed.success && !Object.keys(upload).length) return { data: parsed.data };
        return { errors: { ...fieldErrors(parsed.error?.issues ?? []), ...upload } };
      },
      rerender,
      act: async (req, input) => {
        const report = { ...input, accountability: input.accountability.measure, accountabilityNote: input.accountabilityNote ?? input.accountability.note };
        await submitReport(ctx, idParam(req), handlerOf(req), report, (req.files as UploadedFile[]) ?? []);
        return unitPath(req);
      },
    }),
  );

  // The commission's decisions.
  const commissionForm = <T>(path: string, parse: Parameters<typeof formAction<T>>[0]['parse'], act: (req: Request, input: T) => Promise<unknown>) =>
    r.post(`/commission/cases/:id/${path}`, commission, formAction<T>({ parse, rerender, act: async (req, input) => (await act(req, input), casePath(req)) }));
  commissionForm('send-back/decision', s.sendBackDecisionInput, (req, input) => ruleSendBack(ctx, idParam(req), handlerOf(req), input));
  commissionForm('extensions/:n/decision', s.extensionDecisionInput, (req, input) => decideExtension(ctx, idParam(req), nParam(req), handlerOf(req), input));
  commissionForm('reports/:n/decision', s.reviewInput, (req, input) => reviewReport(ctx, idParam(req), nParam(req), handlerOf(req), input));
  commissionForm('questions/close', s.noInput, (req) => closeQuestion(ctx, idParam(req), handlerOf(req)));
  commissionForm('reopen', s.reopenInput, (req, input) => reopenCase(ctx, idParam(req), handlerOf(req), input));
  commissionForm('close', s.closeInput, (req, input) => closeDissatisfied(ctx, idParam(req), handlerOf(req), input.note));
  commissionForm('follow-up', s.followUpInput, (req, input) => recordFollowUp(ctx, idParam(req), handlerOf(req), input));
  commissionForm('unreasonable', s.unreasonableInput, (req, input) => markUnreasonable(ctx, idParam(req), handlerOf(req), input.reason));

  r.get('/commission/dissatisfied', requireRole('commission', 'admin'), async (_req, res) => {
    res.render('rectification/dissatisfied', { cases: await listDissatisfied(), ...(await nameMaps()) });
  });

  // Evidence attached to a report: the same rules as the complaint's attachments.
  r.get('/cases/:id/reports/:n/attachments/:i', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    const c = await getCaseFor({ role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId }, idParam(req));
    const file = c.reports[nParam(req) - 1]?.attachments[Number(req.params.i) - 1];
    if (!file || (req.user!.role === 'unit' && !unitMaySee(file))) throw new NotFoundError();
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `inline; filename="${file.filename}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    openAttachment(file.fileId).on('error', () => res.destroy()).pipe(res);
  });

  // The handling record: the commission for any unit, unit staff for their own.
  const metricsPage = async (req: Request, res: import('express').Response, unitId: string) => {
    // A bad or reversed date is a 400 naming it, not other figures shown without a word.
    const q = parseQuery(s.metricsQuery, req.query);
    const fallback = yearToDate(ctx);
    const period = { from: q.from || fallback.from, to: q.to || fallback.to };
    const u = await findUnit(unitId);
    if (!u) throw new NotFoundError();
    res.render('rectification/metrics', { unit: u, metrics: await unitMetrics(ctx, unitId, period), period });
  };
  r.get('/commission/units/:id/metrics', requireRole('commission', 'admin'), async (req, res) => metricsPage(req, res, idParam(req)));
  r.get('/unit/metrics', unit, async (req, res) => {
    if (!req.user!.unitId) throw new ForbiddenError();
    await metricsPage(req, res, String(req.user!.unitId));
  });
  return r;
}
