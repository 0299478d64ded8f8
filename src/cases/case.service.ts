import { isObjectId } from '../platform/http/validate';
import { Types } from 'mongoose';
import { NotFoundError } from '../platform/http/errors';
import type { Role } from '../platform/roles';
import { Case, type CaseFields, type CaseLean } from './case.model';
import { HANDLING_STATES, UNIT_VISIBLE_STATES, type ShownChannel } from './case.states';
import { shownChannel } from './case.visibility';

export interface Viewer {
  role: Role;
  userId: Types.ObjectId;
  unitId?: Types.ObjectId | null;
}

/** The fields a viewer may read; every query for cases goes through this scope. */
export function caseScope(viewer: Viewer): Record<string, unknown> {
  switch (viewer.role) {
    case 'commission':
    case 'admin':
      return {};
    case 'unit':
      if (!viewer.unitId) return { _id: null };
      return { assignedUnitId: viewer.unitId, status: { $in: UNIT_VISIBLE_STATES } };
    case 'supervisor':
      return { filedBy: viewer.userId };
  }
}

export type CaseListItem = Pick<CaseFields, 'number' | 'status' | 'categoryCode' | 'submittedAt'> & {
  id: string;
  channel: ShownChannel;
  assignedUnitId: string | null;
  targetUnitId: string | null;
  deadlineDate: string | null;
  description: string;
};

/** The viewer's cases, newest first; `filter` narrows them further (never widens the scope). */
export async function listCases(viewer: Viewer, limit = 50, filter: Record<string, unknown> = {}): Promise<CaseListItem[]> {
  const scope = caseScope(viewer);
  const cases = await Case.find(Object.keys(filter).length ? { $and: [filter, scope] } : scope).sort({ submittedAt: -1 }).limit(limit).lean();
  return cases.map((c) => ({
    id: String(c._id),
    number: c.number,
    status: c.status,
    categoryCode: c.categoryCode,
    channel: shownChannel(c.channel, viewer),
    submittedAt: c.submittedAt,
    assignedUnitId: c.assignedUnitId ? String(c.assignedUnitId) : null,
    // Units see only cases assigned to them; which unit the filer named is the commission's business.
    targetUnitId: viewer.role === 'unit' ? null : c.targetUnitId ? String(c.targetUnitId) : null,
    deadlineDate: c.deadlineDate ?? null,
    description: c.description,
  }));
}

export async function getCaseFor(viewer: Viewer, id: string): Promise<CaseLean> {
  if (!isObjectId(id)) throw new NotFoundError();
  const c = await Case.findOne({ _id: id, ...caseScope(viewer) }).lean<CaseLean>();
  if (!c) throw new NotFoundError();
  return c;
}

/** A case as stored, by id; null when there is none. */
export async function findCase(id: Types.ObjectId | string): Promise<CaseLean | null> {
  if (!isObjectId(String(id))) return null;
  return Case.findById(id).lean<CaseLean>();
}

export async function getCaseNumber(id: Types.ObjectId): Promise<string | null> {
  return (await Case.findById(id, { number: 1 }).lean())?.number ?? null;
}

/** Cases whose routing job could not be queued (Redis was down), for the reconciler. */
export async function findUnroutedCases(limit: number, queuedBefore: Date): Promise<string[]> {
  // Not queued, or recorded as queued long ago and still not routed (its job may never have been
  // added: the process died between saving the case and adding it).
  const filter = { status: 'submitted' as const, $or: [{ routingQueued: false }, { submittedAt: { $lte: queuedBefore } }] };
  return (await Case.find(filter, { _id: 1 }).limit(limit).lean()).map((c) => String(c._id));
}

/** Assignments whose notice is not issued yet (its job was lost), for the reconciler. */
export async function findCasesAwaitingNotice(limit: number): Promise<{ caseId: string; assignmentNo: number }[]> {
  const cases = await Case.find({ noticePending: true, status: 'assigned' }, { _id: 1, assignmentNo: 1 }).limit(limit).lean();
  return cases.map((c) => ({ caseId: String(c._id), assignmentNo: c.assignmentNo }));
}

export async function findCaseByNumber(number: string): Promise<CaseLean | null> {
  return Case.findOne({ number }).lean<CaseLean>();
}

/** Cases by their numbers (e.g. the parts of a split case), in number order. */
export async function findCasesByNumbers(numbers: string[]): Promise<CaseLean[]> {
  if (!numbers.length) return [];
  return Case.find({ number: { $in: numbers } }).sort({ number: 1 }).lean<CaseLean[]>();
}

/** Splits whose parts are not all created and assigned yet, for the reconciler. */
export async function findUnfinishedSplits(limit: number): Promise<string[]> {
  return (await Case.find({ splitPending: true, status: 'split' }, { _id: 1 }).limit(limit).lean()).map((c) => String(c._id));
}

/** Resolved cases whose rating window is over and that nobody is still deciding on. */
export async function findResolvedPastWindow(now: Date, limit: number): Promise<string[]> {
  const cases = await Case.find({ status: 'resolved', ratingWindowEndsAt: { $lte: now }, dissatisfiedOpen: false }, { _id: 1 }).limit(limit).lean();
  return cases.map((c) => String(c._id));
}

/** Every case a unit ever had (for its metrics), with only what the metrics read. */
export async function casesOfUnit(unitId: Types.ObjectId): Promise<CaseLean[]> {
  return Case.find({ unitHistory: unitId }, { status: 1, assignedUnitId: 1, deadlineAt: 1, signDueAt: 1, timeline: 1, satisfaction: 1, unreasonable: 1, followUps: 1 }).lean<CaseLean[]>();
}

/** The commission's list of dissatisfied filers still to be dealt with. */
export async function listDissatisfied(limit = 200): Promise<CaseLean[]> {
  return Case.find({ dissatisfiedOpen: true }, { timeline: 0 }).sort({ resolvedAt: 1 }).limit(limit).lean<CaseLean[]>();
}

/** Every case a unit has in hand (for rebuilding derived lists; a repair, not a hot path). */
export async function findCasesInHand(): Promise<string[]> {
  return (await Case.find({ status: { $in: HANDLING_STATES } }, { _id: 1 }).lean()).map((c) => String(c._id));
}

/** Cases changed before `before` whose lifecycle listeners have not run since (for the reconciler). */
export async function findStaleDerived(before: Date, limit: number): Promise<{ caseId: string; since: number }[]> {
  const cases = await Case.find({ derivedStaleAt: { $ne: null, $lte: before } }, { _id: 1, derivedStaleAt: 1 }).limit(limit).lean();
  return cases.map((c) => ({ caseId: String(c._id), since: c.derivedStaleAt!.getTime() }));
}

/** Cases with a claimed supervision step whose notice was not issued (for the reconciler). */
export async function findSupervisionPending(limit: number): Promise<string[]> {
  return (await Case.find({ supervisionPending: { $ne: null } }, { _id: 1 }).limit(limit).lean()).map((c) => String(c._id));
}
