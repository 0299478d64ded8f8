import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Context } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { Ballot, Evaluation, PanelComment, type EvaluationFields } from './evaluation.models';
import { ballotCodeHash, getEvaluation } from './evaluation.service';
import { forgetBallotLinks } from './mails';
import { RATINGS, type Rating } from './scoring';

export interface BallotView {
  evaluation: { id: string; year: number; name: string; scale: 'three-level' | 'score' };
  kind: string;
  /** The units to rate, by series, without the member's own unit. */
  series: { code: string; units: { unitId: string; code: string; nameZh: string; nameEn: string }[] }[];
  ratings: Record<string, { rating: string | null; score: number | null; comment: string | null }>;
  rated: number;
  total: number;
  open: boolean;
}

/** The ballot behind a one-time code (404 for any code that opens nothing, the same for all). */
async function ballotByCode(code: string) {
  const ballot = await Ballot.findOne({ codeHash: ballotCodeHash(code) }).lean();
  if (!ballot) throw new NotFoundError('ballot_not_found');
  return ballot;
}

export async function ballotView(code: string): Promise<BallotView> {
  const ballot = await ballotByCode(code);
  const e = await getEvaluation(String(ballot.evaluationId));
  const own = ballot.excludedUnitId ? String(ballot.excludedUnitId) : null;
  const series = e.series.map((s) => ({ code: s.code!, units: s.units.filter((u) => String(u.unitId) !== own).map((u) => ({ unitId: String(u.unitId), code: u.code!, nameZh: u.nameZh!, nameEn: u.nameEn! })) }));
  const ratings = Object.fromEntries(ballot.ratings.map((r) => [String(r.unitId), { rating: r.rating ?? null, score: r.score ?? null, comment: r.comment ?? null }]));
  const total = series.reduce((n, s) => n + s.units.length, 0);
  return { evaluation: { id: String(e._id), year: e.year, name: e.name, scale: e.rules.scale as 'three-level' | 'score' }, kind: ballot.kind, series, ratings, rated: Object.keys(ratings).length, total, open: e.state === 'voting' };
}

export interface RatingInput {
  unitId: string;
  rating?: Rating;
  score?: number | null;
  comment?: string;
}

/**
 * Saves ratings on a ballot (as the member goes; a rating given again replaces the earlier one),
 * until voting closes. Refused: a unit not in the evaluation, the member's own unit, a rating
 * of the wrong scale.
 */
export async function saveRatings(ctx: Pick<Context, 'clock'>, code: string, ratings: RatingInput[]): Promise<BallotView> {
  // Autosaves from one page can cross: a lost version race is read again and applied on top.
  for (let attempt = 0; ; attempt++) {
    try {
      return await saveOnce(ctx, code, ratings);
    } catch (err) {
      // Each round at least one racer wins, so a page's burst settles well within the limit.
      if (!(err instanceof ConflictError) || err.code !== 'ballot_changed' || attempt >= 15) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + randomInt(20)));
    }
  }
}

async function saveOnce(ctx: Pick<Context, 'clock'>, code: string, ratings: RatingInput[]): Promise<BallotView> {
  const ballot = await ballotByCode(code);
  const e = await getEvaluation(String(ballot.evaluationId));
  if (e.state !== 'voting') throw new ConflictError('voting_closed');
  const units = new Set(e.series.flatMap((s) => s.units.map((u) => String(u.unitId))));
  const fields: Record<string, string> = {};
  // On a score ballot, 不了解 may come as the answer 'unknown': no score.
  if (e.rules.scale === 'score') ratings = ratings.map((r) => (r.rating === 'unknown' && (r.score === undefined || r.score === null) ? { unitId: r.unitId, score: null, comment: r.comment } : r));
  ratings.forEach((r, i) => {
    if (!units.has(r.unitId)) fields[`ratings.${i}.unitId`] = 'unknown_unit';
    else if (ballot.excludedUnitId && String(ballot.excludedUnitId) === r.unitId) fields[`ratings.${i}.unitId`] = 'own_unit';
    if (e.rules.scale === 'three-level' && (!r.rating || !RATINGS.includes(r.rating))) fields[`ratings.${i}.rating`] = 'required';
    if (e.rules.scale === 'score' && r.score !== null && (r.score === undefined || !Number.isInteger(r.score) || r.score < 0 || r.score > 100)) fields[`ratings.${i}.score`] = 'out_of_range';
  });
  if (Object.keys(fields).length) throw new ValidationError(fields);
  type Stored = { unitId: Types.ObjectId | string; rating: string | null; score: number | null; comment: string | null };
  const byUnit = new Map<string, Stored>(ballot.ratings.map((r) => [String(r.unitId), { unitId: r.unitId!, rating: r.rating ?? null, score: r.score ?? null, comment: r.comment ?? null }]));
  for (const r of ratings) byUnit.set(r.unitId, { unitId: r.unitId, rating: r.rating ?? null, score: e.rules.scale === 'score' ? (r.score ?? null) : null, comment: r.comment ?? null });
  // The whole list is written back under the version read (FerretDB has no positional update).
  const res = await Ballot.updateOne({ _id: ballot._id, __v: ballot.__v }, { $set: { ratings: [...byUnit.values()], votedAt: ctx.clock.now() }, $inc: { __v: 1 } });
  if (res.matchedCount !== 1) throw new ConflictError('ballot_changed');
  return ballotView(code);
}

/** Who has voted so far (never what): turnout per kind and the list of members who voted. */
export interface Turnout {
  kind: string;
  issued: number;
  voted: number;
  /** Of those voted, paper ballots entered by staff (counted; which ones is not kept). */
  paper: number;
}

export async function turnout(id: string): Promise<Turnout[]> {
  const e = await getEvaluation(id);
  if (e.state === 'closed' || e.state === 'published') return ((e.turnout as Turnout[]) ?? []).map((t) => ({ ...t, paper: t.paper ?? 0 }));
  const ballots = await Ballot.find({ evaluationId: e._id }, { kind: 1, votedAt: 1, channel: 1 }).lean();
  return ['entrepreneur', 'public'].map((kind) => {
    const mine = ballots.filter((b) => b.kind === kind);
    const voted = mine.filter((b) => b.votedAt);
    return { kind, issued: mine.length, voted: voted.length, paper: voted.filter((b) => b.channel === 'paper').length };
  });
}

/** The members who voted (for staff while voting is open: whether, never what). */
export async function votedMembers(id: string): Promise<Set<string>> {
  const ballots = await Ballot.find({ evaluationId: id, votedAt: { $ne: null } }, { representativeId: 1 }).lean();
  return new Set(ballots.map((b) => String(b.representativeId)));
}

/** A close that stopped half way (the process died) may be finished after this long. */
const RESUME_AFTER_MS = 2 * 60 * 1000;

/**
 * Closes voting and destroys the link between members and their ballots: the ballots are counted
 * into per-unit tallies (answers counted, scores sorted), their comments written apart in one
 * shuffled order, and the ballots deleted. From then on no result, export, log or database query
 * can tie a rating to a person, nor single out one ballot. Turnout is kept as counts. A close
 * interrupted half way is finished by closing again (after a pause, so two clicks do not race).
 */
export async function closeVoting(ctx: Pick<Context, 'clock' | 'logger' | 'queues'>, id: string): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  if (e.state === 'voting') {
    const counts = await turnout(id);
    const closed = await Evaluation.findOneAndUpdate({ _id: e._id, state: 'voting' }, { $set: { state: 'closed', closedAt: ctx.clock.now(), turnout: counts } }, { returnDocument: 'after' }).lean<EvaluationFields>();
    if (!closed) throw new ConflictError();
    // Bumping every version makes a save that read the ballot before the close fail, re-read, and
    // meet 'voting_closed'; a save that landed before this line is in the count below.
    await Ballot.updateMany({ evaluationId: e._id }, { $inc: { __v: 1 } });
  } else {
    const stalled = e.state === 'closed' && (!e.talliedAt || (await Ballot.exists({ evaluationId: e._id }))) && e.closedAt && ctx.clock.now().getTime() - e.closedAt.getTime() > RESUME_AFTER_MS;
    if (!stalled) throw new ConflictError();
    ctx.logger.warn({ evaluationId: id }, 'evaluation.close_resumed');
  }
  await tallyAndForget(ctx, e._id, e.rules.scale === 'score');
  return getEvaluation(id);
}

async function tallyAndForget(ctx: Pick<Context, 'clock' | 'logger'>, evaluationId: Types.ObjectId, scored: boolean): Promise<void> {
  const fresh = await getEvaluation(String(evaluationId));
  if (!fresh.talliedAt) {
    const ballots = await Ballot.find({ evaluationId, votedAt: { $ne: null } }, { ratings: 1 }).lean();
    const tallies = new Map<string, { unitId: Types.ObjectId; satisfied: number; basically_satisfied: number; dissatisfied: number; unknown: number; scores: number[]; comments: number }>();
    const comments: { evaluationId: Types.ObjectId; unitId: Types.ObjectId; text: string }[] = [];
    for (const b of ballots) {
      for (const r of b.ratings) {
        const key = String(r.unitId);
        const t = tallies.get(key) ?? { unitId: r.unitId!, satisfied: 0, basically_satisfied: 0, dissatisfied: 0, unknown: 0, scores: [], comments: 0 };
        if (scored) {
          if (typeof r.score === 'number') t.scores.push(r.score);
          else t.unknown++;
        } else {
          const rating = (RATINGS as readonly string[]).includes(r.rating ?? '') ? (r.rating as Rating) : 'unknown';
          t[rating]++;
        }
        if (r.comment) {
          comments.push({ evaluationId, unitId: r.unitId!, text: r.comment });
          t.comments++;
        }
        tallies.set(key, t);
      }
    }
    for (const t of tallies.values()) t.scores.sort((a, b) => a - b);
    // Fisher-Yates with a cryptographic source, over all units at once: the order says nothing of the ballots.
    for (let i = comments.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [comments[i], comments[j]] = [comments[j]!, comments[i]!];
    }
    // Comments first (replaced whole, so a resumed close does not double them), then the tallies in one write.
    await PanelComment.deleteMany({ evaluationId });
    if (comments.length) await PanelComment.insertMany(comments);
    await Evaluation.updateOne({ _id: evaluationId, talliedAt: null }, { $set: { tallies: [...tallies.values()], talliedAt: ctx.clock.now() } });
    ctx.logger.info({ evaluationId: String(evaluationId), ballots: ballots.length }, 'evaluation.tallied');
  }
  await Ballot.deleteMany({ evaluationId });
  await forgetBallotLinks(evaluationId);
}
