import { Router, type Request } from 'express';
import type { Context } from '../context';
import { findCase } from '../cases/case.service';
import type { CaseLean } from '../cases/case.model';
import { ForbiddenError } from '../platform/http/errors';
import { requireRole } from '../platform/http/require-role';
import { idParam, parseOrThrow, parseQuery, wholeNumber } from '../platform/http/validate';
import { caseJson } from './case.json';
import { recordContact } from './contact.service';
import { decideExtension, requestExtension } from './extensions.service';
import { closeDissatisfied, markUnreasonable, recordFollowUp, reopenCase } from './followup.service';
import { handlerOf } from './handling';
import { unitMetrics, yearToDate } from './metrics.service';
import { askQuestion, closeQuestion } from './questions.service';
import { reviewReport, submitReport } from './reports.service';
import * as s from './rectification.schemas';
import { ruleSendBack, sendBack, signCase } from './signing.service';

const nParam = (req: Request) => parseOrThrow(wholeNumber(1, 1000), req.params.n);

/**
 * The unit's and the commission's handling steps as JSON under /api/v1 (Bearer tokens). A unit
 * token acting on another unit's case gets 404; a step in the wrong state 409 `invalid_state`; a
 * field error 400 `{error, fields}`. Each answer is the case as GET /cases/{id} shows it.
 */
export function rectificationApiRoutes(ctx: Context): Router {
  const r = Router();
  const unit = requireRole('unit');
  const commission = requireRole('commission');
  const view = async (req: Request, c: CaseLean) => caseJson((await findCase(c._id)) ?? c, { role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId });

  r.post('/cases/:id/sign', unit, async (req, res) => res.json(await view(req, await signCase(ctx, idParam(req), handlerOf(req)))));
  r.post('/cases/:id/send-back', unit, async (req, res) => res.json(await view(req, await sendBack(ctx, idParam(req), handlerOf(req), parseOrThrow(s.sendBackInput, req.body)))));
  r.post('/cases/:id/send-back/decision', commission, async (req, res) => res.json(await view(req, await ruleSendBack(ctx, idParam(req), handlerOf(req), parseOrThrow(s.sendBackDecisionInput, req.body)))));
  r.post('/cases/:id/contact', unit, async (req, res) => res.status(201).json(await view(req, await recordContact(ctx, idParam(req), handlerOf(req), parseOrThrow(s.contactInput, req.body)))));
  r.post('/cases/:id/questions', unit, async (req, res) => {
    const { c, n } = await askQuestion(ctx, idParam(req), handlerOf(req), parseOrThrow(s.questionInput, req.body).text);
    res.status(201).json({ n, case: await view(req, c) });
  });
  r.post('/cases/:id/questions/close', commission, async (req, res) => res.json(await view(req, await closeQuestion(ctx, idParam(req), handlerOf(req)))));
  r.post('/cases/:id/extensions', unit, async (req, res) => {
    const { c, n } = await requestExtension(ctx, idParam(req), handlerOf(req), parseOrThrow(s.extensionInput, req.body));
    res.status(201).json({ n, case: await view(req, c) });
  });
  r.post('/cases/:id/extensions/:n/decision', commission, async (req, res) => res.json(await view(req, await decideExtension(ctx, idParam(req), nParam(req), handlerOf(req), parseOrThrow(s.extensionDecisionInput, req.body)))));
  r.post('/cases/:id/reports', unit, async (req, res) => {
    const input = parseOrThrow(s.reportInput, req.body);
    const { c, n } = await submitReport(ctx, idParam(req), handlerOf(req), { ...input, accountability: input.accountability.measure, accountabilityNote: input.accountabilityNote ?? input.accountability.note });
    res.status(201).json({ n, case: await view(req, c) });
  });
  r.post('/cases/:id/reports/:n/decision', commission, async (req, res) => res.json(await view(req, await reviewReport(ctx, idParam(req), nParam(req), handlerOf(req), parseOrThrow(s.reviewInput, req.body)))));
  r.post('/cases/:id/reopen', commission, async (req, res) => res.json(await view(req, await reopenCase(ctx, idParam(req), handlerOf(req), parseOrThrow(s.reopenInput, req.body)))));
  r.post('/cases/:id/close', commission, async (req, res) => res.json(await view(req, await closeDissatisfied(ctx, idParam(req), handlerOf(req), parseOrThrow(s.closeInput, req.body).note))));
  r.post('/cases/:id/follow-up', commission, async (req, res) => res.status(201).json(await view(req, await recordFollowUp(ctx, idParam(req), handlerOf(req), parseOrThrow(s.followUpInput, req.body)))));
  r.post('/cases/:id/unreasonable', commission, async (req, res) => res.json(await view(req, await markUnreasonable(ctx, idParam(req), handlerOf(req), parseOrThrow(s.unreasonableInput, req.body).reason))));

  // Commission tokens for any unit; a unit token for its own unit only.
  r.get('/units/:id/metrics', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    const unitId = idParam(req);
    if (req.user!.role === 'unit' && String(req.user!.unitId) !== unitId) throw new ForbiddenError();
    const q = parseQuery(s.metricsQuery, req.query);
    const fallback = yearToDate(ctx);
    res.json(await unitMetrics(ctx, unitId, { from: q.from ?? fallback.from, to: q.to ?? fallback.to }));
  });
  return r;
}
