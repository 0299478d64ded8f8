import type { Types } from 'mongoose';
import type { Context } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { createNumbered } from '../platform/numbering';
import { metricsOfUnits } from '../rectification/metrics.service';
import { Evaluation, OutcomeDocument, PriorLastPlace, type EvaluationFields } from './evaluation.models';
import { findUnit } from '../units/unit.service';
import { getEvaluation, type EvaluationRules } from './evaluation.service';
import { rankSeries, type Outcome } from './ranking';
import { sanctionFor, type Sanction } from './sanctions';
import { scoreSeries, type HandlingInput, type Rating, type Vote } from './scoring';

export interface ResultRow {
  unitId: string;
  unitCode: string;
  rank: number;
  total: number;
  panelScore: number | null;
  handlingScore: number;
  handlingFromMean: boolean;
  ballots: number;
  flags: string[];
  outcome: Outcome;
  sanction: Sanction | null;
  consecutive: number;
  reportToSuperior: boolean;
  vetoed: boolean;
  headName: string | null;
  components: { handling: Handling };
}

type Handling = HandlingInput & { onTimeSigningRate: number | null };

/** The year's handling record of every unit, from the unit metrics (calendar year, county dates; one pass over the cases). */
async function handlingOfAll(ctx: Pick<Context, 'clock' | 'config'>, unitIds: string[], year: number): Promise<Map<string, Handling>> {
  const all = await metricsOfUnits(ctx, unitIds, { from: `${year}-01-01`, to: `${year}-12-31` });
  return new Map(
    [...all].map(([id, m]) => [
      id,
      {
        cases: m.received,
        responseRate: m.rates.onTimeSigning.value,
        onTimeSigningRate: m.rates.onTimeSigning.value,
        onTimeRate: m.rates.onTimeResolution.value,
        satisfactionRate: m.rates.satisfaction.value,
        level3: m.escalations.level3,
        returnedReports: m.returnedReports,
      },
    ]),
  );
}

/** The years a unit came last: published evaluations before this one, and last places entered by hand. */
async function lastYearsOf(unitId: string, before: number): Promise<number[]> {
  const [evaluations, prior] = await Promise.all([
    Evaluation.find({ state: 'published', year: { $lt: before } }, { year: 1, results: 1 }).lean(),
    PriorLastPlace.find({ unitId, year: { $lt: before } }, { year: 1 }).lean(),
  ]);
  const years = evaluations.filter((e) => e.results.some((s) => s.ranking.some((r) => String(r.unitId) === unitId && r.outcome === 'criticised'))).map((e) => e.year);
  return [...years, ...prior.map((p) => p.year)];
}

/** The votes for each unit, as the tallies counted them (no ballot is left to read). */
function votesOf(e: EvaluationFields, scored: boolean): Map<string, Vote[]> {
  const votes = new Map<string, Vote[]>();
  for (const t of e.tallies) {
    const list: Vote[] = scored
      ? [...t.scores.map((score) => ({ score })), ...Array.from({ length: t.unknown ?? 0 }, () => ({ score: null }))]
      : (['satisfied', 'basically_satisfied', 'dissatisfied', 'unknown'] as const).flatMap((rating) => Array.from({ length: t[rating] ?? 0 }, () => ({ rating: rating as Rating })));
    votes.set(String(t.unitId), list);
  }
  return votes;
}

/**
 * Computes the results of a closed evaluation: per series, each unit's panel score (valid votes
 * of the tallies), handling score (the year's case record, read from the cases once and kept),
 * total, rank, outcome and sanction, with every component kept. Run at closing and again when a
 * veto changes the inputs; the results are written only for the inputs they were computed from
 * (a veto landing meanwhile makes this run again), and frozen by publishing.
 */
export async function computeResults(ctx: Pick<Context, 'clock' | 'config' | 'logger'>, id: string): Promise<EvaluationFields> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const e = await getEvaluation(id);
    if (e.state !== 'closed' || !e.talliedAt) throw new ConflictError();
    const saved = await writeResults(ctx, e);
    if (saved) {
      ctx.logger.info({ evaluationId: id, inputs: e.inputsVersion }, 'evaluation.results_computed');
      return saved;
    }
  }
  throw new ConflictError();
}

/** Exported for tests of the version guard; use computeResults. */
export async function writeResults(ctx: Pick<Context, 'clock' | 'config'>, e: EvaluationFields): Promise<EvaluationFields | null> {
  const rules = e.rules as unknown as EvaluationRules;
  const votes = votesOf(e, rules.scale === 'score');
  let handling = e.handling as Record<string, Handling> | null;
  if (!handling) {
    handling = Object.fromEntries(await handlingOfAll(ctx, e.series.flatMap((s) => s.units.map((u) => String(u.unitId))), e.year));
    await Evaluation.updateOne({ _id: e._id, handling: null }, { $set: { handling } });
  }
  const vetoed = new Set(e.vetoes.map((v) => String(v.unitId)));
  const seed = e.draws.at(-1)?.seed ?? String(e._id);
  const results = [];
  for (const s of e.series) {
    const inputs = s.units.map((u) => ({ unitId: String(u.unitId), votes: votes.get(String(u.unitId)) ?? [], handling: handling[String(u.unitId)]! }));
    const scored = scoreSeries(inputs, rules);
    const ranked = rankSeries(
      scored.map((x) => ({ ...x, onTimeRate: inputs.find((i) => i.unitId === x.unitId)!.handling.onTimeRate, vetoed: vetoed.has(x.unitId) })),
      seed,
    );
    const rows: ResultRow[] = [];
    for (const r of ranked) {
      const unit = s.units.find((u) => String(u.unitId) === r.unitId)!;
      const last = r.outcome === 'criticised' ? [...(await lastYearsOf(r.unitId, e.year)), e.year] : [];
      const sanction = sanctionFor(last, e.year, { from: e.rulePeriod!.from!, to: e.rulePeriod!.to! }, !!unit.vertical);
      rows.push({
        unitId: r.unitId,
        unitCode: unit.code!,
        rank: r.rank,
        total: r.total,
        panelScore: r.panelScore,
        handlingScore: r.handlingScore,
        handlingFromMean: r.handlingFromMean,
        ballots: r.validVotes,
        flags: [...r.flags, ...(r.vetoed ? ['vetoed'] : [])],
        outcome: r.outcome,
        sanction: sanction.sanction,
        consecutive: sanction.consecutive,
        reportToSuperior: sanction.reportToSuperior,
        vetoed: r.vetoed,
        headName: unit.headName ?? null,
        components: { handling: inputs.find((i) => i.unitId === r.unitId)!.handling },
      });
    }
    results.push({ code: s.code!, ranking: rows });
  }
  return Evaluation.findOneAndUpdate({ _id: e._id, state: 'closed', inputsVersion: e.inputsVersion }, { $set: { results, resultsOf: e.inputsVersion } }, { returnDocument: 'after' }).lean<EvaluationFields>();
}

/** One-vote veto (一票否决): the unit cannot be commended and ranks last in its series; the reason is shown. */
export async function vetoUnit(ctx: Pick<Context, 'clock' | 'config' | 'logger'>, id: string, input: { unitId: string; reason: string; evidence: string }, by: Types.ObjectId): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  if (!e.series.some((s) => s.units.some((u) => String(u.unitId) === input.unitId))) throw new ValidationError({ unitId: 'unknown_unit' });
  if (e.vetoes.some((v) => String(v.unitId) === input.unitId)) throw new ConflictError('already_vetoed');
  const res = await Evaluation.updateOne({ _id: e._id, state: { $in: ['draft', 'drawn', 'voting', 'closed'] }, 'vetoes.unitId': { $ne: input.unitId } }, { $push: { vetoes: { ...input, at: ctx.clock.now(), by } }, $inc: { inputsVersion: 1 } });
  if (res.modifiedCount !== 1) throw new ConflictError();
  const now = await getEvaluation(id);
  return now.state === 'closed' && now.talliedAt ? computeResults(ctx, id) : now;
}

/** The commission confirms the outcome of a unit flagged for too few valid votes. */
export async function confirmOutcome(ctx: Pick<Context, 'clock'>, id: string, unitId: string, note: string, by: Types.ObjectId): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  if (e.state !== 'closed') throw new ConflictError();
  const row = e.results.flatMap((s) => s.ranking).find((r) => String(r.unitId) === unitId);
  if (!row) throw new NotFoundError();
  await Evaluation.updateOne({ _id: e._id, state: 'closed', 'confirmations.unitId': { $ne: unitId } }, { $push: { confirmations: { unitId, at: ctx.clock.now(), by, note } } });
  return getEvaluation(id);
}

/** Outcomes of flagged units (too few valid votes) still to be confirmed before publishing. */
export function unconfirmed(e: EvaluationFields): string[] {
  const confirmed = new Set(e.confirmations.map((c) => String(c.unitId)));
  return e.results
    .flatMap((s) => s.ranking)
    .filter((r) => r.outcome && (r.flags ?? []).some((f) => f === 'too_few_ballots' || f === 'no_votes') && !confirmed.has(String(r.unitId)))
    .map((r) => String(r.unitId));
}

const TODO: Record<string, string> = {
  commendation: 'red_flag_awarded',
  criticism: 'notified_county_wide',
  written: 'written_self_criticism_received',
  televised: 'televised_self_criticism_broadcast',
  resignation: 'resignation_accepted',
  superior_letter: 'letter_sent',
};

/**
 * Publishes the results (frozen from now): the results must be those of the latest inputs (a veto
 * landing meanwhile refuses the publication, 409 results_changed, until they are recomputed) and
 * every flagged outcome confirmed. The claim comes first; then every outcome gets its numbered
 * document (commendation, criticism, sanction decision, letter to the superior authority) with the
 * head's name at the time, and a to-do tracked until done. An interrupted publication is finished
 * by publishing again after a pause.
 */
export async function publishEvaluation(ctx: Pick<Context, 'clock' | 'config' | 'logger'>, id: string): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  const now = ctx.clock.now();
  if (e.state === 'published') {
    const stalled = !e.documentsAt && e.publishedAt && now.getTime() - e.publishedAt.getTime() > 2 * 60 * 1000;
    if (!stalled) throw new ConflictError();
    return issueDocuments(ctx, e);
  }
  if (e.state !== 'closed') throw new ConflictError();
  if (e.resultsOf !== e.inputsVersion) throw new ConflictError('results_changed');
  const pending = unconfirmed(e);
  if (pending.length) throw new ValidationError({ confirmations: 'confirmation_required' }, 'confirmation_required');
  const published = await Evaluation.findOneAndUpdate(
    { _id: e._id, state: 'closed', inputsVersion: e.inputsVersion, resultsOf: e.inputsVersion },
    { $set: { state: 'published', publishedAt: now } },
    { returnDocument: 'after' },
  ).lean<EvaluationFields>();
  if (!published) throw new ConflictError();
  ctx.logger.info({ evaluationId: id }, 'evaluation.published');
  return issueDocuments(ctx, published);
}

/** The outcome documents of a published evaluation, from its frozen results (each created once). */
async function issueDocuments(ctx: Pick<Context, 'clock'>, e: EvaluationFields): Promise<EvaluationFields> {
  const at = e.publishedAt ?? ctx.clock.now();
  for (const s of e.results) {
    for (const r of s.ranking) {
      const kinds: { kind: 'commendation' | 'criticism' | 'sanction' | 'superior_letter'; todo: string }[] = [];
      if (r.outcome === 'commended') kinds.push({ kind: 'commendation', todo: TODO.commendation! });
      if (r.outcome === 'criticised') kinds.push({ kind: 'criticism', todo: TODO.criticism! });
      if (r.sanction) kinds.push({ kind: 'sanction', todo: TODO[r.sanction]! });
      if (r.reportToSuperior) kinds.push({ kind: 'superior_letter', todo: TODO.superior_letter! });
      const unit = e.series.find((x) => x.code === s.code)!.units.find((u) => String(u.unitId) === String(r.unitId))!;
      for (const k of kinds) {
        await createNumbered(OutcomeDocument, e.year, { evaluationId: e._id, kind: k.kind, unitId: r.unitId }, {
          evaluationId: e._id,
          kind: k.kind,
          unitId: r.unitId,
          seriesCode: s.code,
          unitName: unit.nameZh,
          headName: unit.headName ?? null,
          headTitle: unit.headTitle ?? null,
          rank: r.rank,
          sanction: r.sanction ?? null,
          consecutive: r.consecutive ?? 0,
          issuedAt: at,
          todo: { what: k.todo, doneAt: null, doneBy: null, note: null },
        });
      }
    }
  }
  return (await Evaluation.findOneAndUpdate({ _id: e._id }, { $set: { documentsAt: ctx.clock.now() } }, { returnDocument: 'after' }).lean<EvaluationFields>())!;
}

/** A unit's outcomes by year (published evaluations) and last places entered by hand. */
export async function sanctionsOf(unitId: string) {
  const [evaluations, prior] = await Promise.all([Evaluation.find({ state: 'published' }, { year: 1, name: 1, results: 1 }).sort({ year: 1 }).lean(), PriorLastPlace.find({ unitId }).sort({ year: 1 }).lean()]);
  const years = evaluations.flatMap((e) =>
    e.results.flatMap((s) =>
      s.ranking
        .filter((r) => String(r.unitId) === unitId)
        .map((r) => ({ year: e.year, evaluationId: String(e._id), series: s.code, rank: r.rank, total: r.total, outcome: r.outcome ?? null, sanction: r.sanction ?? null, consecutive: r.consecutive ?? 0, reportToSuperior: !!r.reportToSuperior, headName: r.headName ?? null })),
    ),
  );
  return { unitId, years, enteredByHand: prior.map((p) => ({ year: p.year, note: p.note ?? null })) };
}

/** Records a last place of a year before the system (the sanction ladder then starts at the right step). */
export async function enterPriorLastPlace(unitId: string, year: number, note: string, by: Types.ObjectId): Promise<void> {
  if (!(await findUnit(unitId))) throw new NotFoundError();
  // A year the system evaluated has its own record: a hand entry would count a year the unit was not last.
  if (await Evaluation.exists({ year })) throw new ConflictError('year_evaluated');
  try {
    await PriorLastPlace.create({ unitId, year, note, by });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new ConflictError('already_entered');
    throw err;
  }
}
