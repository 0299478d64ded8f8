import { z } from 'zod';
import { dueInstant } from '../calendar/working-days';
import { isIsoDate } from '../platform/dates';
import { objectIdString, orderedRanges } from '../platform/http/validate';
import { SERIES } from '../units/unit.model';
import { CASE_STATES, CHANNELS, OPEN_STATES, RESOLVED_STATES, TRIAGE_STATES } from './case.states';

// Filters of the commission's case list (/commission/cases?...): what the dashboard's numbers
// link to, so each list shows exactly the cases its number counts. Forms send '' for "any".

const blank = z.literal('').transform(() => undefined);
const date = z.string().refine(isIsoDate, { error: 'invalid_date' });
const opt = <T extends z.ZodType>(s: T) => blank.or(s.optional());

export const STATUS_GROUPS = { open: OPEN_STATES, untriaged: TRIAGE_STATES, resolved: RESOLVED_STATES } as const;

export const caseListQuery = z.object({
  status: opt(z.enum([...Object.keys(STATUS_GROUPS), ...CASE_STATES] as unknown as [string, ...string[]], { error: 'invalid' })),
  channel: opt(z.enum(CHANNELS, { error: 'invalid' })),
  category: opt(z.string().regex(/^[\w-]{1,40}$/, { error: 'invalid' })),
  unit: opt(objectIdString('invalid')),
  series: opt(z.enum(SERIES, { error: 'invalid' })),
  campaign: opt(objectIdString('invalid')),
  /** Filed on or after / on or before (county dates). */
  from: opt(date),
  to: opt(date),
  /** Resolved (and still resolved or closed) on or after / on or before. */
  resolvedFrom: opt(date),
  resolvedTo: opt(date),
}).superRefine(orderedRanges(['from', 'to'], ['resolvedFrom', 'resolvedTo']));
export type CaseListQuery = z.infer<typeof caseListQuery>;

export function hasFilter(q: CaseListQuery): boolean {
  return Object.values(q).some((v) => v !== undefined);
}

const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 24 * 3600 * 1000).toISOString().slice(0, 10);
const startOf = (d: string, tz: string) => new Date(dueInstant(dayBefore(d), tz).getTime() + 1);

/** The MongoDB filter of the query; `seriesUnits` are the ids of the series' units. */
export function caseListFilter(q: CaseListQuery, tz: string, seriesUnits: readonly string[] | null): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (q.status) f.status = { $in: (STATUS_GROUPS as Record<string, readonly string[]>)[q.status] ?? [q.status] };
  if (q.channel) f.channel = q.channel;
  if (q.category) f.categoryCode = q.category;
  if (q.campaign) f.campaignId = q.campaign;
  const units: string[][] = [];
  if (q.unit) units.push([q.unit]);
  if (seriesUnits) units.push([...seriesUnits]);
  if (units.length) f.assignedUnitId = { $in: units.reduce((a, b) => a.filter((x) => b.includes(x))) };
  if (q.from || q.to) f.submittedAt = { ...(q.from ? { $gte: startOf(q.from, tz) } : {}), ...(q.to ? { $lte: dueInstant(q.to, tz) } : {}) };
  if (q.resolvedFrom || q.resolvedTo) {
    f.resolvedAt = { ...(q.resolvedFrom ? { $gte: startOf(q.resolvedFrom, tz) } : {}), ...(q.resolvedTo ? { $lte: dueInstant(q.resolvedTo, tz) } : {}) };
    f.status ??= { $in: RESOLVED_STATES };
  }
  return f;
}
