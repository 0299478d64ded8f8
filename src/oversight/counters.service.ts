import type { Context } from '../context';
import { countyDate } from '../clock';
import { Case, type CaseLean } from '../cases/case.model';
import { HANDLING_STATES } from '../cases/case.states';
import { levelOf } from '../escalation/escalation.service';
import { isDuplicateKey } from '../platform/mongo';
import { addInto, difference, type CaseMark } from './counters';
import { markMonthsStale } from './month-metrics.service';
import { COUNT_MODELS, countModelOf, OversightMark } from './oversight.models';

type Ctx = Pick<Context, 'config' | 'logger'>;

/** The case's mark as it is now (see counters.ts). */
export function markOf(c: CaseLean, tz: string): CaseMark {
  const inHand = HANDLING_STATES.includes(c.status) && c.deadlineDate && c.deadlineAt && c.assignedUnitId && c.noticeId;
  return {
    day: countyDate(c.submittedAt, tz),
    channel: c.channel,
    category: c.categoryCode,
    unit: c.assignedUnitId ? String(c.assignedUnitId) : null,
    status: c.status,
    resolvedDay: c.resolvedAt ? countyDate(c.resolvedAt, tz) : null,
    campaign: c.campaignId ? String(c.campaignId) : null,
    hand: inHand ? { unit: String(c.assignedUnitId), deadline: c.deadlineDate!, level: levelOf(c) } : null,
  };
}

async function applyIncrements(inc: Map<string, Record<string, number>>): Promise<void> {
  // One update command per counter collection with a statement per document (a change moves
  // two to four of them), not one command each: every change of every case pays for this (issue 14, goal 1).
  const byModel = new Map<ReturnType<typeof countModelOf>, [string, Record<string, number>][]>();
  for (const [doc, fields] of inc) {
    const model = countModelOf(doc);
    byModel.set(model, [...(byModel.get(model) ?? []), [doc, fields]]);
  }
  await Promise.all(
    [...byModel].map(([model, docs]) =>
      model.bulkWrite(
        docs.map(([doc, fields]) => ({ updateOne: { filter: { _id: doc }, update: { $inc: fields }, upsert: true } })),
        { ordered: false },
      ),
    ),
  );
}

/**
 * The lifecycle listener: moves the case's counters from its last mark to its mark now. The mark
 * is claimed first on the version (timeline length), so a late or repeated call for an older or
 * the same version changes nothing, and two calls at once move the counters once. Should the
 * increments fail after the claim, the counters are off until the rebuild job runs (README).
 */
export async function trackCase(ctx: Ctx, c: CaseLean): Promise<void> {
  const v = c.timeline.length;
  const mark = markOf(c, ctx.config.TZ_COUNTY);
  let before: { mark?: CaseMark | null } | null;
  try {
    before = await OversightMark.findOneAndUpdate({ _id: c._id, v: { $lt: v } }, { $set: { v, mark } }, { upsert: true, returnDocument: 'before' }).lean<{ mark?: CaseMark | null }>();
  } catch (err) {
    if (isDuplicateKey(err)) return; // a mark of this version or a newer one is already counted
    throw err;
  }
  await applyIncrements(difference(before?.mark ?? null, mark));
  await markMonthsStale();
}

const CURSOR_NOT_FOUND = 43;
const NAMESPACE_NOT_FOUND = 26;

/**
 * Empties the marks by dropping their collection (no index but `_id`): FerretDB's SQLite backend
 * deletes by listing every id in one statement and fails past SQLite's 32,766 variables ("too many
 * SQL variables", seen at 100,000 cases), so `deleteMany({})` cannot run the second night.
 */
async function dropMarks(): Promise<void> {
  try {
    await OversightMark.collection.drop();
  } catch (err) {
    if ((err as { code?: number }).code !== NAMESPACE_NOT_FOUND) throw err;
  }
}

/**
 * Recomputes every counter and mark from the cases (recovery: counters off after a failed
 * increment, a restore, cases loaded around the lifecycle). One pass over the cases; the new
 * documents replace the old ones whole. Changes made while it runs may be counted from the older
 * picture: run it when the office is closed (the schedule says 03:30), or again.
 */
export async function rebuildCounters(ctx: Ctx): Promise<{ cases: number; documents: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rebuildOnce(ctx);
    } catch (err) {
      // FerretDB drops a long cursor with its connection; the pass starts again.
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
    }
  }
}

async function rebuildOnce(ctx: Ctx): Promise<{ cases: number; documents: number }> {
  const docs = new Map<string, Record<string, unknown>>();
  let marks: { _id: unknown; v: number; mark: CaseMark }[] = [];
  let cases = 0;
  // Marks are written as the scan goes (memory holds one batch); the counters, a thousand or so
  // documents a year, are kept whole and replace the old ones at the end.
  await dropMarks();
  const cursor = Case.find(
    {},
    { status: 1, channel: 1, categoryCode: 1, submittedAt: 1, assignedUnitId: 1, resolvedAt: 1, campaignId: 1, deadlineDate: 1, deadlineAt: 1, noticeId: 1, assignmentNo: 1, returnsCount: 1, reopenCount: 1, escalationEvents: 1, 'timeline.at': 1 },
  )
    .lean()
    .cursor({ batchSize: 2000 });
  for await (const c of cursor) {
    const mark = markOf(c as unknown as CaseLean, ctx.config.TZ_COUNTY);
    addInto(docs, mark);
    marks.push({ _id: c._id, v: ((c as { timeline?: unknown[] }).timeline ?? []).length, mark });
    cases++;
    if (marks.length >= 2000) {
      await OversightMark.collection.insertMany(marks as never[], { ordered: false });
      marks = [];
    }
  }
  if (marks.length) await OversightMark.collection.insertMany(marks as never[], { ordered: false });
  const all = [...docs].map(([id, body]) => ({ _id: id, ...body }));
  for (const Model of COUNT_MODELS) {
    await Model.deleteMany({});
    const mine = all.filter((d) => countModelOf(d._id) === Model);
    for (let i = 0; i < mine.length; i += 500) await Model.collection.insertMany(mine.slice(i, i + 500) as never[]);
  }
  ctx.logger.info({ cases, documents: all.length }, 'oversight.counters_rebuilt');
  return { cases, documents: all.length };
}

/**
 * Counter documents by id (absent ones as empty). With our FerretDB build an `_id` equality is
 * answered from the `_id` index (tools/ferretdb/_patches: about 1 ms whatever the collection's
 * size); an `$in` is not pushed down and decodes every document of the collection. Parallel reads
 * only queue at the server (6 ids at once 194-209 ms, one after the other 96-128 ms, measured on the
 * unpatched build). So up to BY_ID_MAX ids of a collection (a year by week is 53) are read one by
 * one, more by one `$in`; the collections are read at the same time.
 */
const BY_ID_MAX = 64;
export async function countersById(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const byModel = new Map<(typeof COUNT_MODELS)[number], string[]>();
  for (const id of new Set(ids)) byModel.set(countModelOf(id), [...(byModel.get(countModelOf(id)) ?? []), id]);
  const readAll = async (Model: (typeof COUNT_MODELS)[number], some: string[]) => {
    if (some.length > BY_ID_MAX) return Model.find({ _id: { $in: some } }).lean();
    const found = [];
    for (const id of some) found.push(await Model.findById(id).lean());
    return found.filter((d) => d !== null);
  };
  const found = (await Promise.all([...byModel].map(([Model, some]) => readAll(Model, some)))).flat();
  const byId = new Map(found.map((d) => [String(d._id), d as unknown as Record<string, unknown>]));
  return new Map(ids.map((id) => [id, byId.get(id) ?? {}]));
}
