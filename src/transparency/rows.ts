import type { Types } from 'mongoose';
import { OPEN_STATES, RESOLVED_STATES, type CaseState, type Channel } from '../cases/case.states';
import { channelGroup, type OpenDataRow } from './open-data';

// A case as the public refresh sees it: its open-data row, its part in a year's totals, its place
// among the most recently resolved. Pure functions, used alike by the full pass over the cases
// and by the patch of the cases changed since the last refresh.

/** How many resolved cases the page lists, most recently resolved first. */
export const RECENT_CASES = 20;
/**
 * How many candidates the snapshot keeps: a patch may drop a listed case (reopened, split), and
 * the next one down must already be known, since finding it would mean reading every case.
 */
export const RECENT_KEPT = RECENT_CASES * 4;

export interface ScannedCase {
  _id: Types.ObjectId;
  number: string;
  channel: Channel;
  categoryCode: string;
  assignedUnitId?: Types.ObjectId | null;
  status: CaseState;
  submittedAt: Date;
  resolvedAt?: Date | null;
  resolvedOnTime?: boolean | null;
  satisfaction?: { rating?: string | null } | null;
}
export const ROW_FIELDS = { number: 1, channel: 1, categoryCode: 1, assignedUnitId: 1, status: 1, submittedAt: 1, resolvedAt: 1, resolvedOnTime: 1, 'satisfaction.rating': 1 } as const;

export interface Names {
  units: Map<string, { code: string; zh: string; en: string; series: string }>;
  categories: Map<string, { zh: string; en: string }>;
}

/** A county-date formatter made once: making one per case costs seconds over 100,000 cases. */
export function countyDates(tz: string): (at: Date) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at) => f.format(at);
}

/** The case's open-data row; null for a split case (its parts are listed instead). */
export function rowOf(c: ScannedCase, names: Names, dateOf: (at: Date) => string): OpenDataRow | null {
  if (c.status === 'split') return null;
  const unit = c.assignedUnitId ? names.units.get(String(c.assignedUnitId)) : undefined;
  const resolved = RESOLVED_STATES.includes(c.status);
  return {
    case_number: c.number,
    category_code: c.categoryCode,
    category: names.categories.get(c.categoryCode)?.zh ?? null,
    unit_code: unit?.code ?? null,
    unit: unit?.zh ?? null,
    series: unit?.series ?? null,
    channel_group: channelGroup(c.channel),
    submitted_date: dateOf(c.submittedAt),
    resolved_date: resolved && c.resolvedAt ? dateOf(c.resolvedAt) : null,
    status: c.status,
    on_time: resolved ? (c.resolvedOnTime ?? null) : null,
    satisfaction: c.satisfaction?.rating ?? null,
  };
}

export const yearOfRow = (r: OpenDataRow) => Number(r.submitted_date.slice(0, 4));

export interface YearTotals {
  filed: number;
  open: number;
  resolved: number;
  rejected: number;
}

/** Each year's cases (by submitted date, county calendar) by where they stand now. */
export function totalsByYear(rows: Iterable<OpenDataRow>): Record<string, YearTotals> {
  const out: Record<string, YearTotals> = {};
  for (const r of rows) {
    const t = (out[String(yearOfRow(r))] ??= { filed: 0, open: 0, resolved: 0, rejected: 0 });
    const status = r.status as CaseState;
    t.filed++;
    if (OPEN_STATES.includes(status)) t.open++;
    else if (RESOLVED_STATES.includes(status)) t.resolved++;
    else if (status === 'rejected') t.rejected++;
  }
  return out;
}

/** A resolved case among the most recent (kept in the snapshot between refreshes). */
export interface RecentEntry {
  id: Types.ObjectId;
  resolvedAt: Date;
  number: string;
}

export function recentEntryOf(c: ScannedCase): RecentEntry | null {
  return c.status !== 'split' && RESOLVED_STATES.includes(c.status) && c.resolvedAt ? { id: c._id, resolvedAt: c.resolvedAt, number: c.number } : null;
}

/** Most recently resolved first (ties: the higher case number first), at most `keep`. */
export function trimRecent(recent: RecentEntry[], keep = RECENT_KEPT): void {
  recent.sort((a, b) => new Date(b.resolvedAt).getTime() - new Date(a.resolvedAt).getTime() || (a.number < b.number ? 1 : -1));
  recent.length = Math.min(recent.length, keep);
}
