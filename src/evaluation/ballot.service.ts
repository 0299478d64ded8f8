import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Context } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { AnonymousBallot, Ballot, Evaluation, type EvaluationFields } from './evaluation.models';
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
export async function turnout(id: string): Promise<{ kind: string; issued: number; voted: number }[]> {
  const e = await getEvaluation(id);
  if (e.state === 'closed' || e.state === 'published') return (e.turnout as { kind: string; issued: number; voted: number }[]) ?? [];
  const ballots = await Ballot.find({ evaluationId: e._id }, { kind: 1, votedAt: 1 }).lean();
  return ['entrepreneur', 'public'].map((kind) => ({ kind, issued: ballots.filter((b) => b.kind === kind).length, voted: ballots.filter((b) => b.kind === kind && b.votedAt).length }));
}

/** The members who voted (for staff while voting is open: whether, never what). */
export async function votedMembers(id: string): Promise<Set<string>> {
  const ballots = await Ballot.find({ evaluationId: id, votedAt: { $ne: null } }, { representativeId: 1 }).lean();
  return new Set(ballots.map((b) => String(b.representativeId)));
}

/**
 * Closes voting and destroys the link between members and their ballots: each ballot's ratings are
 * written again as an anonymous ballot (kind and ratings only; no member, code, or time), in a
 * shuffled order, and the original ballots are deleted. From then on no result, export, log or
 * database query can tie a rating to a person. Turnout is kept as counts.
 */
export async function closeVoting(ctx: Pick<Context, 'clock' | 'logger'>, id: string): Promise<EvaluationFields> {
  const e = await getEvaluation(id);
  if (e.state !== 'voting') throw new ConflictError();
  const counts = await turnout(id);
  const closed = await Evaluation.findOneAndUpdate({ _id: e._id, state: 'voting' }, { $set: { state: 'closed', closedAt: ctx.clock.now(), turnout: counts } }, { returnDocument: 'after' }).lean<EvaluationFields>();
  if (!closed) throw new ConflictError();
  // Bumping every version makes a save that read the ballot before the close fail, re-read, and
  // meet 'voting_closed'; a save that landed before this line is in the read below.
  await Ballot.updateMany({ evaluationId: e._id }, { $inc: { __v: 1 } });
  const ballots = await Ballot.find({ evaluationId: e._id, votedAt: { $ne: null } }, { kind: 1, channel: 1, ratings: 1 }).lean();
  // Fisher-Yates with a cryptographic source: the new order says nothing of the old.
  for (let i = ballots.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ballots[i], ballots[j]] = [ballots[j]!, ballots[i]!];
  }
  if (ballots.length) await AnonymousBallot.insertMany(ballots.map((b) => ({ evaluationId: e._id, kind: b.kind, channel: b.channel, ratings: b.ratings.map((r) => ({ unitId: r.unitId, rating: r.rating, score: r.score, comment: r.comment })) })));
  await Ballot.deleteMany({ evaluationId: e._id });
  await forgetBallotLinks(e._id);
  ctx.logger.info({ evaluationId: id, ballots: ballots.length }, 'evaluation.closed');
  return closed;
}
