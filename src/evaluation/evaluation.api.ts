import { Router } from 'express';
import type { Context } from '../context';
import { ForbiddenError } from '../platform/http/errors';
import { limitMissesPerIp } from '../platform/http/limits';
import { requireRole } from '../platform/http/require-role';
import { idParam, parseOrThrow } from '../platform/http/validate';
import { ballotView, closeVoting, saveRatings, turnout } from './ballot.service';
import { drawPanel, snapshotHash, type Snapshot } from './draw';
import * as s from './evaluation.schemas';
import { createEvaluation, drawPanelFor, getEvaluation, issueBallots, listEvaluations, takeSnapshot } from './evaluation.service';
import { computeResults, confirmOutcome, enterPriorLastPlace, publishEvaluation, sanctionsOf, vetoUnit } from './results.service';
import { resultsJson, evaluationJson } from './evaluation.json';

/** The public part: a ballot by its one-time code, and the draw check anyone can run. */
export function evaluationPublicApiRoutes(ctx: Context): Router {
  const r = Router();
  const misses = limitMissesPerIp(ctx, 'ballot', ctx.config.BALLOT_MISS_LIMIT_PER_10MIN, 600);
  r.get('/ballots/:code', misses, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await ballotView(String(req.params.code)));
  });
  r.put('/ballots/:code', misses, async (req, res) => {
    const input = parseOrThrow(s.ballotInput, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await saveRatings(ctx, String(req.params.code), input.ratings));
  });
  // `npm run draw:verify` as a service: the same snapshot and seed give the same panel.
  r.post('/draw/verify', async (req, res) => {
    const { snapshot, seed } = parseOrThrow(s.verifyInput, req.body);
    res.json({ snapshotHash: snapshotHash(snapshot as Snapshot), panel: drawPanel(snapshot as Snapshot, seed, (snapshot as Snapshot).quota).map((p) => ({ representativeId: p.id, kind: p.kind })) });
  });
  return r;
}

/** The commission's evaluation API (Bearer tokens). */
export function evaluationApiRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission');
  const read = requireRole('commission', 'admin');
  r.get('/evaluations', read, async (_req, res) => res.json({ evaluations: (await listEvaluations()).map((e) => evaluationJson(e)) }));
  r.post('/evaluations', staff, async (req, res) => res.status(201).json({ id: await createEvaluation(ctx, parseOrThrow(s.evaluationInput, req.body), req.user!.id) }));
  r.get('/evaluations/:id', read, async (req, res) => res.json({ ...evaluationJson(await getEvaluation(idParam(req))), turnout: await turnout(idParam(req)) }));
  r.post('/evaluations/:id/snapshot', staff, async (req, res) => res.json(await takeSnapshot(ctx, idParam(req))));
  r.get('/evaluations/:id/snapshot', read, async (req, res) => res.json((await getEvaluation(idParam(req))).snapshot));
  r.post('/evaluations/:id/draw', staff, async (req, res) => res.json(await drawPanelFor(ctx, idParam(req), parseOrThrow(s.drawInput, req.body), req.user!.id)));
  r.post('/evaluations/:id/ballots/issue', staff, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await issueBallots(ctx, idParam(req)));
  });
  r.post('/evaluations/:id/close', staff, async (req, res) => {
    await closeVoting(ctx, idParam(req));
    res.json(resultsJson(await computeResults(ctx, idParam(req))));
  });
  r.post('/evaluations/:id/vetoes', staff, async (req, res) => res.json(resultsJson(await vetoUnit(ctx, idParam(req), parseOrThrow(s.vetoInput, req.body), req.user!.id))));
  r.post('/evaluations/:id/confirmations', staff, async (req, res) => {
    const input = parseOrThrow(s.confirmInput, req.body);
    res.json(resultsJson(await confirmOutcome(ctx, idParam(req), input.unitId, input.note, req.user!.id)));
  });
  r.post('/evaluations/:id/publish', staff, async (req, res) => res.json(resultsJson(await publishEvaluation(ctx, idParam(req)))));
  r.get('/evaluations/:id/results', read, async (req, res) => res.json(resultsJson(await getEvaluation(idParam(req)))));
  r.get('/units/:id/sanctions', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    if (req.user!.role === 'unit' && String(req.user!.unitId) !== idParam(req)) throw new ForbiddenError();
    res.json(await sanctionsOf(idParam(req)));
  });
  r.post('/units/:id/prior-last-places', staff, async (req, res) => {
    const input = parseOrThrow(s.priorLastInput, req.body);
    await enterPriorLastPlace(idParam(req), input.year, input.note, req.user!.id);
    res.status(201).json(await sanctionsOf(idParam(req)));
  });
  return r;
}
