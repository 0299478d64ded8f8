import type { Types } from 'mongoose';
import { Case } from './case.model';
import { OPEN_STATES } from './case.states';
import { openRows } from './worklist';

type Keyed = { _id: Types.ObjectId; categoryCode: string; assignedUnitId?: Types.ObjectId | null; targetUnitId?: Types.ObjectId | null };

/** The unit a case is about: the one it was assigned to, else the one the filer named. */
function unitKey(c: Keyed): string | null {
  const unit = c.assignedUnitId ?? c.targetUnitId;
  return unit ? `${String(unit)}|${c.categoryCode}` : null;
}

/**
 * Open cases about the same unit and category as the given one: shown to the commission as
 * possible duplicates, never merged silently.
 */
export async function possibleDuplicates(c: Keyed, limit = 20) {
  const unit = c.assignedUnitId ?? c.targetUnitId;
  if (!unit) return [];
  const others = await Case.find(
    {
      _id: { $ne: c._id },
      categoryCode: c.categoryCode,
      status: { $in: OPEN_STATES },
      $or: [{ assignedUnitId: unit }, { targetUnitId: unit }],
    },
    { number: 1, status: 1, submittedAt: 1, description: 1 },
  )
    .sort({ submittedAt: -1 })
    .limit(limit)
    .lean();
  return others.map((o) => ({ id: String(o._id), number: o.number, status: o.status, submittedAt: o.submittedAt, excerpt: o.description.slice(0, 60) }));
}

/**
 * How many open cases `possibleDuplicates` would list for each given case (same category, other
 * case assigned to or naming the case's unit), counted in memory on the worklist's open rows: the
 * triage queue's count without one scan of the cases per row.
 */
export async function possibleDuplicateCounts(cases: Keyed[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const keyed = cases.filter((c) => c.assignedUnitId ?? c.targetUnitId);
  if (!keyed.length) return result;
  // One pass over the open rows: how many name or have each unit, per category.
  const perKey = new Map<string, number>();
  const openIds = new Set<string>();
  for (const o of await openRows()) {
    openIds.add(String(o._id));
    for (const unit of new Set([o.assignedUnitId, o.targetUnitId].filter(Boolean).map(String))) {
      const key = `${unit}|${o.categoryCode}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
  }
  for (const c of keyed) {
    const n = perKey.get(`${String(c.assignedUnitId ?? c.targetUnitId)}|${c.categoryCode}`) ?? 0;
    // The case itself is among them when it is open (it has its own unit).
    result[String(c._id)] = n - (openIds.has(String(c._id)) ? 1 : 0);
  }
  return result;
}

/**
 * For a list page: how many other open cases share each listed case's unit and category. Counted
 * on the worklist's open rows (one read that follows the open work, not the history).
 */
export async function openDuplicateCounts(cases: { id: string; categoryCode: string; status: string; unitId: string | null }[]): Promise<Record<string, number>> {
  if (!cases.length) return {};
  const open = await openRows();
  const perKey = new Map<string, number>();
  for (const o of open) {
    const key = unitKey(o);
    if (key) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  const result: Record<string, number> = {};
  for (const c of cases) {
    if (!c.unitId) continue;
    const n = perKey.get(`${c.unitId}|${c.categoryCode}`) ?? 0;
    // The case itself is among the open ones when it is open.
    const self = (OPEN_STATES as readonly string[]).includes(c.status) ? 1 : 0;
    if (n - self > 0) result[c.id] = n - self;
  }
  return result;
}
