import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Context } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { isObjectId } from '../platform/http/validate';
import { isDuplicateKey } from '../platform/mongo';
import { SERIES } from '../units/unit.model';
import { listUnitDetails } from '../units/unit.service';
import { canonicalSnapshot, DRAW_ALGORITHM, drawPanel, snapshotHash, type Quota, type Snapshot } from './draw';
import { Ballot, Evaluation, type EvaluationFields, type EvaluationState } from './evaluation.models';
import { oweBallotLink } from './mails';
import { Representative } from './representative.model';
import { DEFAULT_RULES, type Rules } from './scoring';

export type EvaluationRules = Rules & { quota: Quota };
export const DEFAULT_QUOTA: Quota = { entrepreneur: 100, public: 100 };

export async function getEvaluation(id: string): Promise<EvaluationFields> {
  if (!isObjectId(id)) throw new NotFoundError();
  const e = await Evaluation.findById(id).lean<EvaluationFields>();
  if (!e) throw new NotFoundError();
  return e;
}

export async function listEvaluations(): Promise<EvaluationFields[]> {
  return Evaluation.find({}, { snapshot: 0, draws: 0, results: 0 }).sort({ year: -1, createdAt: -1 }).lean<EvaluationFields[]>();
}

/** The published evaluations, newest year first (the public list and the transparency page). */
export async function listPublishedEvaluations(): Promise<{ _id: Types.ObjectId; year: number; name: string; publishedAt?: Date | null }[]> {
  return Evaluation.find({ state: 'published' }, { year: 1, name: 1, publishedAt: 1 }).sort({ year: -1 }).lean();
}

/** Moves the evaluation to the next state, claimed on the state expected (one of two staff wins). */
async function claimState(id: Types.ObjectId | string, from: readonly EvaluationState[], set: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<EvaluationFields> {
  const e = await Evaluation.findOneAndUpdate({ _id: id, state: { $in: from } }, { $set: set, ...extra }, { returnDocument: 'after' }).lean<EvaluationFields>();
  if (!e) {
    if (!(await Evaluation.exists({ _id: id }))) throw new NotFoundError();
    throw new ConflictError();
  }
  return e;
}

/**
 * A new evaluation for a year (past years allowed, to back-fill): its units by series as they are
 * now (a unit may change series between years; this evaluation keeps its own list), its rules (the
 * defaults where not given), the rule period of the sanction ladder (five years from its year,
 * unless the previous evaluation's period still runs).
 */
export async function createEvaluation(ctx: Pick<Context, 'logger'>, input: { year: number; name: string; rules?: Partial<EvaluationRules>; rulePeriod?: { from: number; to: number } }, by: Types.ObjectId): Promise<string> {
  const units = await listUnitDetails();
  const rules: EvaluationRules = { ...DEFAULT_RULES, ...input.rules, quota: { ...DEFAULT_QUOTA, ...input.rules?.quota } };
  checkRules(rules);
  const previous = await Evaluation.findOne({ year: { $lt: input.year } }, { rulePeriod: 1 }).sort({ year: -1 }).lean();
  const rulePeriod = input.rulePeriod ?? (previous?.rulePeriod?.to && previous.rulePeriod.to >= input.year ? { from: previous.rulePeriod.from!, to: previous.rulePeriod.to } : { from: input.year, to: input.year + 4 });
  if (input.rulePeriod && input.rulePeriod.from > input.rulePeriod.to) throw new ValidationError({ 'rulePeriod.to': 'before_from' });
  if (await Evaluation.exists({ year: input.year })) throw new ConflictError('year_exists');
  let e;
  try {
    e = await Evaluation.create({
      year: input.year,
      name: input.name,
      rules,
      rulePeriod,
      series: SERIES.map((code) => ({
        code,
        units: units.filter((u) => u.series === code).map((u) => ({ unitId: u.id, code: u.code, nameZh: u.nameZh, nameEn: u.nameEn, vertical: u.vertical, headName: u.head?.name ?? null, headTitle: u.head?.title ?? null })),
      })),
      createdBy: by,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('year_exists');
    throw err;
  }
  ctx.logger.info({ evaluationId: String(e._id), year: input.year }, 'evaluation.created');
  return String(e._id);
}

function checkRules(r: EvaluationRules): void {
  const fields: Record<string, string> = {};
  if (Math.abs(r.weights.panel + r.weights.handling - 1) > 1e-9) fields['rules.weights'] = 'weights_sum';
  const hw = r.handlingWeights;
  if (Math.abs(hw.response + hw.onTime + hw.satisfaction - 1) > 1e-9) fields['rules.handlingWeights'] = 'weights_sum';
  if (r.quota.entrepreneur < 0 || r.quota.public < 0) fields['rules.quota'] = 'out_of_range';
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

/** Changes the rules of a draft (or a drawn panel before voting opens); frozen from then on. */
export async function updateRules(id: string, rules: Partial<EvaluationRules>): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  const merged = { ...(e.rules as unknown as EvaluationRules), ...rules, quota: { ...(e.rules as unknown as EvaluationRules).quota, ...rules.quota } };
  checkRules(merged);
  return claimState(id, ['draft', 'drawn'], { rules: merged });
}

/**
 * Freezes the eligible registry for the draw and publishes its SHA-256 (before the seed is fixed
 * at the draw meeting). Contact details are not part of it: ids and kinds only.
 */
export async function takeSnapshot(ctx: Pick<Context, 'clock'>, id: string): Promise<{ snapshotHash: string; people: number }> {
  const e = await getEvaluation(id);
  if (e.snapshot) return { snapshotHash: e.snapshotHash!, people: (e.snapshot as Snapshot).people.length };
  const reps = await Representative.find({ active: true }, { kind: 1, publicRole: 1 }).lean();
  const snapshot: Snapshot = {
    evaluation: String(e._id),
    takenAt: ctx.clock.now().toISOString(),
    quota: (e.rules as unknown as EvaluationRules).quota,
    people: reps.map((r) => ({ id: String(r._id), kind: r.kind, group: r.kind === 'public' ? (r.publicRole ?? null) : null })),
  };
  const hash = snapshotHash(snapshot);
  const saved = await Evaluation.findOneAndUpdate({ _id: e._id, snapshot: null, state: 'draft' }, { $set: { snapshot: JSON.parse(canonicalSnapshot(snapshot)), snapshotHash: hash } }, { returnDocument: 'after' }).lean<EvaluationFields>();
  if (!saved) return takeSnapshot(ctx, id);
  return { snapshotHash: hash, people: snapshot.people.length };
}

/**
 * Draws the panel from the frozen snapshot with the seed fixed at the draw meeting, by the
 * published algorithm; anyone with the snapshot and the seed gets the same panel. Drawing again
 * (before voting opens) needs a reason; every draw stays on record.
 */
export async function drawPanelFor(ctx: Pick<Context, 'clock' | 'logger'>, id: string, input: { seed: string; reason?: string }, by: Types.ObjectId) {
  const e = await getEvaluation(id);
  if (!['draft', 'drawn'].includes(e.state)) throw new ConflictError();
  if (e.draws.length && !input.reason) throw new ValidationError({ reason: 'required' });
  await takeSnapshot(ctx, id);
  const fresh = await getEvaluation(id);
  const snapshot = fresh.snapshot as unknown as Snapshot;
  const panel = drawPanel(snapshot, input.seed, snapshot.quota);
  const n = fresh.draws.length + 1;
  await claimState(id, ['draft', 'drawn'], { state: 'drawn' }, {
    $push: { draws: { n, at: ctx.clock.now(), by, seed: input.seed, reason: input.reason ?? null, snapshotHash: fresh.snapshotHash, panel: panel.map((p) => ({ representativeId: p.id, kind: p.kind, order: p.order })) } },
  });
  await Representative.updateMany({ _id: { $in: panel.map((p) => p.id) }, drawnAt: null }, { $set: { drawnAt: ctx.clock.now() } });
  ctx.logger.info({ evaluationId: id, draw: n, panel: panel.length }, 'evaluation.drawn');
  return { snapshotHash: fresh.snapshotHash!, algorithm: DRAW_ALGORITHM, panel: panel.map((p) => ({ representativeId: p.id, kind: p.kind })) };
}

export function ballotCodeHash(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}

/** A one-time ballot code: 12 characters of Crockford's base32 (readable on paper). */
function newBallotCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(12);
  const s = [...bytes].map((b) => alphabet[b % 32]).join('');
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/**
 * Opens voting: the rules freeze, each panel member gets a ballot with a one-time code (shown once
 * here, for the mail or the printed ballot; only its hash is kept). Issuing again gives codes only
 * to members who have none yet.
 */
export async function issueBallots(ctx: Pick<Context, 'clock' | 'logger' | 'queues'>, id: string): Promise<{ representativeId: string; code: string }[]> {
  const e = await getEvaluation(id);
  if (!['drawn', 'voting'].includes(e.state)) throw new ConflictError();
  const draw = e.draws.at(-1);
  if (!draw) throw new ConflictError();
  // Voting opens before any ballot is written, on the draw read: a redraw crossing this call
  // either lands first (and this claim fails) or finds voting open and is refused.
  if (e.state === 'drawn') {
    const opened = await Evaluation.findOneAndUpdate({ _id: e._id, state: 'drawn', draws: { $size: e.draws.length } }, { $set: { state: 'voting', rulesFrozenAt: ctx.clock.now() } }, { returnDocument: 'after' }).lean();
    if (!opened) {
      const now = await getEvaluation(id);
      if (now.state !== 'voting' || now.draws.length !== e.draws.length) throw new ConflictError();
    }
  }
  const members = await Representative.find({ _id: { $in: draw.panel.map((p) => p.representativeId) } }, { kind: 1, unitId: 1, email: 1 }).lean();
  const issued: { representativeId: string; code: string }[] = [];
  for (const m of members) {
    const code = newBallotCode();
    try {
      await Ballot.create({ evaluationId: e._id, representativeId: m._id, kind: m.kind, codeHash: ballotCodeHash(code), excludedUnitId: m.unitId ?? null, channel: m.email ? 'link' : 'paper' });
      issued.push({ representativeId: String(m._id), code });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err; // has a ballot already
    }
  }
  // Members with an address get their link by mail; the others' codes go on printed ballots.
  const withEmail = new Set(members.filter((m) => m.email).map((m) => String(m._id)));
  for (const i of issued) if (withEmail.has(i.representativeId)) await oweBallotLink(ctx, e._id, i.representativeId, i.code);
  ctx.logger.info({ evaluationId: id, issued: issued.length }, 'evaluation.ballots_issued');
  return issued;
}

