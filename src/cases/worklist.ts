import type { Types } from 'mongoose';
import { isDuplicateKey } from '../platform/mongo';
import { Case, type CaseLean } from './case.model';
import { FINAL_STATES, OPEN_STATES, TRIAGE_STATES, UNIT_VISIBLE_STATES, type CaseState } from './case.states';
import { Worklist, type WorklistRow } from './worklist.model';

// The worklist (worklist.model.ts): kept in step by the lifecycle gate, read by the lists whose
// cost must follow the open work and not every case ever filed.

type Source = Pick<
  CaseLean,
  | '_id'
  | 'number'
  | 'status'
  | 'channel'
  | 'categoryCode'
  | 'submittedAt'
  | 'assignedUnitId'
  | 'targetUnitId'
  | 'priority'
  | 'deadlineDate'
  | 'deadlineAt'
  | 'signedAt'
  | 'redo'
  | 'question'
  | 'extensions'
  | 'assignmentNo'
  | 'returnsCount'
  | 'reopenCount'
  | 'escalationEvents'
  | 'description'
  | 'timeline'
>;

/** The worklist row of a case as it is now (its version is its timeline length). */
export function rowOf(c: Source): Omit<WorklistRow, '_id'> {
  const status = c.status as CaseState;
  const final = FINAL_STATES.includes(status);
  // The event that made it final, so a later event (a rating after closing) does not move it.
  const ended = final ? [...c.timeline].reverse().find((e) => e.to === status) : undefined;
  return {
    number: c.number,
    status,
    channel: c.channel,
    categoryCode: c.categoryCode,
    submittedAt: c.submittedAt,
    assignedUnitId: c.assignedUnitId ?? null,
    targetUnitId: c.targetUnitId ?? null,
    priority: c.priority ?? null,
    deadlineDate: c.deadlineDate ?? null,
    deadlineAt: c.deadlineAt ?? null,
    signedAt: c.signedAt ?? null,
    redo: !!c.redo,
    waitingForFiler: !!c.question,
    pendingExtension: (c.extensions ?? []).some((e) => e.status === 'pending'),
    assignmentNo: c.assignmentNo ?? 0,
    returnsCount: c.returnsCount ?? 0,
    reopenCount: c.reopenCount ?? 0,
    escalationEvents: (c.escalationEvents ?? []).map((e) => ({ round: e.round, level: e.level, manual: e.manual, overdue: e.overdue })),
    description: TRIAGE_STATES.includes(status) ? c.description : null,
    endedAt: final ? (ended?.at ?? new Date()) : null,
    version: c.timeline.length,
  } as Omit<WorklistRow, '_id'>;
}

/**
 * Writes the case's row unless a newer one is there: two changes of one case finishing in either
 * order must leave the newer. A newer row makes the upsert's insert clash on _id: keep it.
 */
export async function syncWorklist(c: Source): Promise<void> {
  const row = rowOf(c);
  try {
    await Worklist.updateOne({ _id: c._id, version: { $lte: row.version } }, { $set: row }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** A case discarded as if never filed leaves no row. */
export async function dropFromWorklist(id: Types.ObjectId | string): Promise<void> {
  await Worklist.deleteOne({ _id: id });
}

/** Final rows ended before `before` (the inbox's "closed" tab shows the rest); how many went. */
export async function purgeEnded(before: Date): Promise<number> {
  const res = await Worklist.deleteMany({ endedAt: { $ne: null, $lt: before } });
  return res.deletedCount;
}

const BATCH = 500;

/**
 * Rebuilds the worklist from the cases (recovery: after a restore, a lost write, or for cases
 * filed before the worklist existed). Reads every case that is not final, and the final ones that
 * ended after `keepSince`, in batches; rows of cases no longer there or long final are removed.
 * A repair that scans `cases` once, never run by a list.
 */
export async function rebuildWorklist(keepSince: Date): Promise<{ rows: number; removed: number }> {
  const keep = new Set<string>();
  let batch: Source[] = [];
  const flush = async () => {
    await Promise.all(batch.map((c) => syncWorklist(c)));
    batch = [];
  };
  const notFinal = Case.find({ status: { $nin: FINAL_STATES } }, { attachments: 0, reports: 0, supplements: 0, contacts: 0 }).lean<Source[]>().cursor({ batchSize: BATCH });
  for await (const c of notFinal) {
    keep.add(String(c._id));
    batch.push(c);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // Final cases are kept only while recent: picked by their last change, then by the event that ended them.
  const recent = Case.find({ status: { $in: FINAL_STATES }, updatedAt: { $gte: keepSince } }, { attachments: 0, reports: 0, supplements: 0, contacts: 0 }).lean<Source[]>().cursor({ batchSize: BATCH });
  for await (const c of recent) {
    const row = rowOf(c);
    if (row.endedAt && row.endedAt < keepSince) continue;
    keep.add(String(c._id));
    batch.push(c);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  const stale = (await Worklist.find({}, { _id: 1 }).lean()).map((r) => r._id).filter((id) => !keep.has(String(id)));
  if (stale.length) await Worklist.deleteMany({ _id: { $in: stale } });
  return { rows: keep.size, removed: stale.length };
}

/** The cases a unit may see, for its inbox (by deadline). */
export async function unitRows(unitId: Types.ObjectId, limit = 500): Promise<WorklistRow[]> {
  return Worklist.find({ assignedUnitId: unitId, status: { $in: UNIT_VISIBLE_STATES } }).sort({ deadlineAt: 1 }).limit(limit).lean<WorklistRow[]>();
}

/** Cases waiting for the commission's routing decision, oldest first. */
export async function triageRows(limit: number): Promise<WorklistRow[]> {
  return Worklist.find({ status: { $in: TRIAGE_STATES } }).sort({ submittedAt: 1 }).limit(limit).lean<WorklistRow[]>();
}

/** Every open case with what decides whether two are about the same thing (duplicates). */
export async function openRows(): Promise<Pick<WorklistRow, '_id' | 'categoryCode' | 'assignedUnitId' | 'targetUnitId' | 'status'>[]> {
  return Worklist.find({ status: { $in: OPEN_STATES } }, { categoryCode: 1, assignedUnitId: 1, targetUnitId: 1, status: 1 }).lean();
}
