import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import { NotFoundError } from '../platform/http/errors';
import { formAction } from '../platform/http/form-action';
import { limitMissesPerIp } from '../platform/http/limits';
import { requireRole } from '../platform/http/require-role';
import { fieldErrors, idParam, optionalText, requiredText, wholeNumber } from '../platform/http/validate';
import { ballotView, closeVoting, saveRatings, turnout, votedMembers } from './ballot.service';
import { DRAW_ALGORITHM } from './draw';
import { Evaluation, OutcomeDocument, outcomeNumber, PanelComment, type EvaluationFields } from './evaluation.models';
import { resultsCsv, resultsXlsx } from './evaluation.export';
import * as s from './evaluation.schemas';
import { createEvaluation, drawPanelFor, getEvaluation, issueBallots, listEvaluations, listPublishedEvaluations, takeSnapshot } from './evaluation.service';
import { Representative } from './representative.model';
import { computeResults, confirmOutcome, publishEvaluation, unconfirmed, vetoUnit } from './results.service';
import { RATINGS } from './scoring';

/** The page's create form: flat fields, turned into the API's shape. */
const createForm = z
  .object({
    year: wholeNumber(2000, 2100),
    name: requiredText(2, 100),
    entrepreneur: wholeNumber(0, 1000),
    public: wholeNumber(0, 1000),
    scale: z.enum(['three-level', 'score'], { error: 'invalid' }),
    panelWeight: wholeNumber(0, 100),
    minBallots: wholeNumber(0, 1000),
    minCases: wholeNumber(0, 1000),
  })
  .strict();

/** The evaluation's pages: the commission runs it; a representative votes by link; anyone reads the published results. */
export function evaluationRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission');
  const read = requireRole('commission', 'admin');
  const page = (id: string) => `/commission/evaluations/${id}`;

  const renderList = async (res: Response, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) =>
    res.status(status).render('evaluation/list', { evaluations: await listEvaluations(), values: { year: new Date(ctx.clock.now()).getFullYear(), entrepreneur: 100, public: 100, scale: 'three-level', panelWeight: 70, minBallots: 30, minCases: 5, ...values }, errors });
  r.get('/commission/evaluations', read, async (_req, res) => renderList(res));
  r.post(
    '/commission/evaluations',
    staff,
    formAction({
      parse: createForm,
      rerender: (_req, res, st, status) => renderList(res, st.values, st.errors, status),
      act: async (req, f) => {
        const id = await createEvaluation(ctx, { year: f.year, name: f.name, rules: { quota: { entrepreneur: f.entrepreneur, public: f.public }, scale: f.scale, weights: { panel: f.panelWeight / 100, handling: 1 - f.panelWeight / 100 }, minBallots: f.minBallots, minCases: f.minCases } }, req.user!.id);
        return page(id);
      },
    }),
  );

  const detailModel = async (req: Request, extra: Record<string, unknown> = {}) => {
    const e = await getEvaluation(idParam(req));
    const draw = e.draws.at(-1);
    const members = draw ? await Representative.find({ _id: { $in: draw.panel.map((p) => p.representativeId) } }, { name: 1, kind: 1, organization: 1, publicRole: 1 }).lean() : [];
    const voted = e.state === 'voting' ? await votedMembers(String(e._id)) : new Set<string>();
    const docs = await OutcomeDocument.find({ evaluationId: e._id }).sort({ seq: 1 }).lean();
    // The panel's comments, by unit (staff only; never on public pages: they may name people).
    const byUnit = new Map<string, string[]>();
    if (e.talliedAt) for (const c of await PanelComment.find({ evaluationId: e._id }, { unitId: 1, text: 1 }).lean()) byUnit.set(String(c.unitId), [...(byUnit.get(String(c.unitId)) ?? []), c.text]);
    return {
      e,
      algorithm: DRAW_ALGORITHM,
      panel: draw ? draw.panel.map((p) => ({ ...p, member: members.find((m) => String(m._id) === String(p.representativeId)), voted: voted.has(String(p.representativeId)) })) : [],
      turnout: await turnout(String(e._id)),
      pendingConfirmations: e.state === 'closed' ? unconfirmed(e) : [],
      docs: docs.map((d) => ({ ...d, number: outcomeNumber(d) })),
      comments: [...byUnit].map(([unitId, texts]) => ({ unitId, texts })),
      codes: null as { name: string; kind: string; channel: string; code: string }[] | null,
      mailed: 0,
      errors: {},
      values: {},
      ...extra,
    };
  };
  const renderDetail = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => res.status(status).render('evaluation/detail', await detailModel(req, extra));
  const rerender = (req: Request, res: Response, st: { errors: Record<string, string>; values: Record<string, unknown> }, status: number) => renderDetail(req, res, { errors: st.errors, values: st.values }, status);
  r.get('/commission/evaluations/:id', read, async (req, res) => renderDetail(req, res));

  const step = <T>(path: string, parse: z.ZodType<T>, act: (req: Request, input: T) => Promise<unknown>) =>
    r.post(`/commission/evaluations/:id/${path}`, staff, formAction({ parse, rerender, act: async (req, input) => (await act(req, input), page(idParam(req))) }));
  step('snapshot', z.object({}).strict(), (req) => takeSnapshot(ctx, idParam(req)));
  step('draw', s.drawInput.extend({ reason: optionalText(500) }), (req, input) => drawPanelFor(ctx, idParam(req), input, req.user!.id));
  step('close', z.object({}).strict(), async (req) => {
    await closeVoting(ctx, idParam(req));
    await computeResults(ctx, idParam(req));
  });
  step('vetoes', s.vetoInput, (req, input) => vetoUnit(ctx, idParam(req), input, req.user!.id));
  step('confirmations', s.confirmInput, (req, input) => confirmOutcome(ctx, idParam(req), input.unitId, input.note, req.user!.id));
  step('publish', z.object({}).strict(), (req) => publishEvaluation(ctx, idParam(req)));
  // Paper ballots' codes are shown once, on the answer to this POST, for printing; members with
  // an address get their link by mail, so staff never hold a code that opens their ballot.
  r.post('/commission/evaluations/:id/ballots', staff, async (req, res) => {
    const issued = await issueBallots(ctx, idParam(req));
    const names = await Representative.find({ _id: { $in: issued.map((i) => i.representativeId) } }, { name: 1, kind: 1, email: 1 }).lean();
    const members = issued.map((i) => ({ ...i, member: names.find((n) => String(n._id) === i.representativeId) }));
    res.setHeader('Cache-Control', 'no-store');
    await renderDetail(req, res, {
      codes: members.filter((m) => !m.member?.email).map((m) => ({ name: m.member?.name ?? '', kind: m.member?.kind ?? '', channel: 'paper', code: m.code })),
      mailed: members.filter((m) => m.member?.email).length,
    });
  });
  r.post(
    '/commission/evaluation-documents/:id/done',
    staff,
    formAction({
      parse: z.object({ note: optionalText(500) }).strict(),
      rerender: async (_req, res) => res.redirect(303, '/commission/evaluations'),
      act: async (req, input) => {
        const d = await OutcomeDocument.findOneAndUpdate({ _id: idParam(req), 'todo.doneAt': null }, { $set: { 'todo.doneAt': ctx.clock.now(), 'todo.doneBy': req.user!.id, 'todo.note': input.note ?? null } }, { returnDocument: 'after' }).lean();
        if (!d) throw new NotFoundError();
        return page(String(d.evaluationId));
      },
    }),
  );
  r.get('/evaluation-documents/:id', read, async (req, res) => {
    const d = await OutcomeDocument.findById(idParam(req)).lean();
    if (!d) throw new NotFoundError();
    const e = await getEvaluation(String(d.evaluationId));
    res.render('evaluation/document', { d, e, number: outcomeNumber(d), layout: false });
  });

  // Exports of the results: staff at any time after closing; anyone once published.
  const exportsFor = (guard: (e: EvaluationFields) => boolean, base: string) => {
    r.get(`${base}/:id/results.csv`, async (req, res) => {
      const e = await getEvaluation(idParam(req));
      if (!guard(e)) throw new NotFoundError();
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="evaluation-${e.year}.csv"`);
      res.send(resultsCsv(e));
    });
    r.get(`${base}/:id/results.xlsx`, async (req, res) => {
      const e = await getEvaluation(idParam(req));
      if (!guard(e)) throw new NotFoundError();
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="evaluation-${e.year}.xlsx"`);
      res.send(await resultsXlsx(e, ctx.clock.now()));
    });
  };
  r.use('/commission/evaluations', read);
  // The frozen registry (ids, kinds, groups; no names or contacts), for `npm run draw:verify`:
  // public from the moment its hash is published, since anyone may check the draw.
  for (const base of ['/commission/evaluations', '/public/evaluations']) {
    r.get(`${base}/:id/snapshot.json`, async (req, res) => {
      const e = await getEvaluation(idParam(req));
      if (!e.snapshot) throw new NotFoundError();
      res.setHeader('Content-Disposition', `attachment; filename="snapshot-${e.year}-${e.snapshotHash!.slice(0, 12)}.json"`);
      res.type('application/json').send(JSON.stringify(e.snapshot, null, 1));
    });
  }
  exportsFor((e) => e.state === 'closed' || e.state === 'published', '/commission/evaluations');
  exportsFor((e) => e.state === 'published', '/public/evaluations');

  // The published results, without login: rankings, scores and components, outcomes; never ballots.
  r.get('/public/evaluations', async (_req, res) => {
    res.render('evaluation/public-list', { evaluations: await listPublishedEvaluations() });
  });
  r.get('/public/evaluations/:id', async (req, res) => {
    const e = await getEvaluation(idParam(req));
    if (e.state !== 'published') throw new NotFoundError();
    const history = await Evaluation.find({ state: 'published', year: { $lte: e.year } }, { year: 1, results: 1 }).sort({ year: 1 }).lean();
    const chart = e.results.map((s) => ({
      code: s.code,
      years: history.map((h) => h.year),
      units: s.ranking.map((r) => ({ code: r.unitCode, totals: history.map((h) => h.results.flatMap((x) => x.ranking).find((x) => String(x.unitId) === String(r.unitId))?.total ?? null), ranks: history.map((h) => h.results.flatMap((x) => x.ranking).find((x) => String(x.unitId) === String(r.unitId))?.rank ?? null) })),
    }));
    res.render('evaluation/public', { e, chart, algorithm: DRAW_ALGORITHM });
  });

  // The representative's ballot, by the one-time code in the link (phone first; saves as they go).
  // r_<unit>: a rating, or a score (0-100); u_<unit>=unknown: don't know (score ballots); c_<unit>: a comment.
  const ballotForm = z.record(z.string(), z.union([z.string(), z.array(z.string())])).transform((fields, zctx) => {
    const ratings: { unitId: string; rating?: (typeof RATINGS)[number]; score?: number | null; comment?: string }[] = [];
    const text = (k: string) => (typeof fields[k] === 'string' && fields[k] ? String(fields[k]).trim().slice(0, 500) || undefined : undefined);
    const units = new Set(Object.keys(fields).flatMap((k) => /^[ru]_([a-f0-9]{24})$/.exec(k)?.[1] ?? []));
    for (const unitId of units) {
      const v = fields[`r_${unitId}`];
      const comment = text(`c_${unitId}`);
      if (fields[`u_${unitId}`] === 'unknown') ratings.push({ unitId, rating: 'unknown', comment });
      else if (typeof v !== 'string' || !v) continue;
      else if ((RATINGS as readonly string[]).includes(v)) ratings.push({ unitId, rating: v as (typeof RATINGS)[number], comment });
      else if (/^\d{1,3}$/.test(v)) ratings.push({ unitId, score: Number(v), comment });
      else zctx.addIssue({ code: 'custom', path: [`r_${unitId}`], message: 'invalid' });
    }
    return ratings;
  });
  const renderBallot = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.status(status).render('evaluation/ballot', { view: await ballotView(String(req.params.code)), code: String(req.params.code), errors: {}, saved: false, ...extra });
  };
  const misses = limitMissesPerIp(ctx, 'ballot', ctx.config.BALLOT_MISS_LIMIT_PER_10MIN, 600);
  r.get('/ballot/:code', misses, async (req, res) => renderBallot(req, res));
  r.post('/ballot/:code', misses, async (req, res) => {
    const { _csrf, ...fields } = (req.body ?? {}) as Record<string, unknown>;
    void _csrf;
    const parsed = ballotForm.safeParse(fields);
    if (!parsed.success) return renderBallot(req, res, { errors: fieldErrors(parsed.error.issues) }, 400);
    await saveRatings(ctx, String(req.params.code), parsed.data);
    await renderBallot(req, res, { saved: true });
  });
  return r;
}
