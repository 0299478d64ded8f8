import { OPEN_STATES, RESOLVED_STATES, type CaseState } from '../cases/case.states';
import { addDays, lastDayOfMonth, monthOf, weekStart, type DateRange } from './periods';

// What one case adds to the dashboard's counters, as a plain function of the case's "mark" (the
// few facts the counters read). A change of the case moves its mark; the counters change by the
// difference (old mark −1, new mark +1), so every figure stays a sum over the cases as they are
// now, without reading the cases again. A rebuild from the cases gives the same sums.

/** The facts of a case the counters count (county dates, ids as strings). */
export interface CaseMark {
  /** The county date it was filed. */
  day: string;
  channel: string;
  category: string;
  /** The unit that has it now (null before assignment). */
  unit: string | null;
  status: CaseState;
  /** The county date it was resolved, while it stays resolved or closed. */
  resolvedDay: string | null;
  campaign: string | null;
  /** While a unit has it in hand with a deadline: its deadline and overdue level. */
  hand: { unit: string; deadline: string; level: number } | null;
}

/**
 * The counter documents: one per county day, per week (named by its Monday) and per month, plus
 * one for the present state. A period document holds the county's totals and each unit's intake;
 * each unit's intake by channel and category sits in a document of its own (`u` + the period
 * document's id), read only when a series is asked for: it is most of the bytes, and FerretDB
 * reads a document's whole collection to find it by `_id` (see counters.service.ts).
 */
export const dayDoc = (d: string) => `d:${d}`;
export const weekDoc = (d: string) => `w:${weekStart(d)}`;
export const monthDoc = (m: string) => `m:${m}`;
export const unitsDoc = (periodDoc: string) => `u${periodDoc}`;
export const NOW_DOC = 'now';

/**
 * The fewest period documents that add up to the range: whole months, then whole weeks, then
 * days. A month or week running past today counts as whole when the range ends today (nothing is
 * filed or resolved after today), so "this week" and "this month" are one document each.
 */
export function coverOf(r: DateRange, today: string): string[] {
  const reach = r.to >= today ? '9999-12-31' : r.to;
  const out: string[] = [];
  for (let d = r.from; d <= r.to; ) {
    const month = monthOf(d);
    const monthEnd = lastDayOfMonth(month);
    const weekEnd = addDays(d, 6);
    if (d === `${month}-01` && monthEnd <= reach) {
      out.push(monthDoc(month));
      d = addDays(monthEnd, 1);
    } else if (weekStart(d) === d && weekEnd <= reach) {
      out.push(weekDoc(d));
      d = addDays(weekEnd, 1);
    } else {
      out.push(dayDoc(d));
      d = addDays(d, 1);
    }
  }
  return out;
}

const periodDocs = (day: string) => [dayDoc(day), weekDoc(day), monthDoc(monthOf(day))];

/** Every counter one case adds 1 to: [document id, field path]. */
export function contributions(m: CaseMark): [string, string][] {
  const out: [string, string][] = [];
  for (const doc of periodDocs(m.day)) {
    out.push([doc, 'in.n'], [doc, `in.ch.${m.channel}`], [doc, `in.cat.${m.category}`]);
    if (m.unit) out.push([doc, `u.${m.unit}.n`], [unitsDoc(doc), `${m.unit}.ch.${m.channel}`], [unitsDoc(doc), `${m.unit}.cat.${m.category}`]);
  }
  if (m.resolvedDay && RESOLVED_STATES.includes(m.status)) {
    for (const doc of periodDocs(m.resolvedDay)) {
      out.push([doc, 'res.n']);
      if (m.unit) out.push([doc, `res.u.${m.unit}`]);
    }
  }
  out.push([NOW_DOC, `st.${m.status}`]);
  if (m.unit && OPEN_STATES.includes(m.status)) out.push([NOW_DOC, `open.${m.unit}`]);
  if (m.hand) out.push([NOW_DOC, m.hand.level > 0 ? `lvl.${m.hand.level}.${m.hand.unit}` : `due.${m.hand.deadline}.${m.hand.unit}`]);
  if (m.campaign) {
    out.push([NOW_DOC, `camp.${m.campaign}.op`]);
    if (RESOLVED_STATES.includes(m.status)) out.push([NOW_DOC, `camp.${m.campaign}.res`]);
  }
  return out;
}

/** The increments that turn the counters of `before` into those of `after`, per document (zeros left out). */
export function difference(before: CaseMark | null, after: CaseMark | null): Map<string, Record<string, number>> {
  const inc = new Map<string, Record<string, number>>();
  const add = (pairs: [string, string][], by: number) => {
    for (const [doc, path] of pairs) {
      const fields = inc.get(doc) ?? {};
      fields[path] = (fields[path] ?? 0) + by;
      inc.set(doc, fields);
    }
  };
  if (before) add(contributions(before), -1);
  if (after) add(contributions(after), 1);
  for (const [doc, fields] of inc) {
    for (const [k, v] of Object.entries(fields)) if (v === 0) delete fields[k];
    if (!Object.keys(fields).length) inc.delete(doc);
  }
  return inc;
}

/** Adds one case's counters into an in-memory set of documents (the rebuild). */
export function addInto(docs: Map<string, Record<string, unknown>>, m: CaseMark): void {
  for (const [doc, path] of contributions(m)) {
    let node = docs.get(doc);
    if (!node) docs.set(doc, (node = {}));
    const keys = path.split('.');
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    const last = keys[keys.length - 1]!;
    node[last] = ((node[last] as number | undefined) ?? 0) + 1;
  }
}

/** Reads a counter by path from a counter document (0 when absent). */
export function read(doc: unknown, path: string): number {
  let node = doc as Record<string, unknown> | undefined;
  for (const k of path.split('.')) {
    if (!node || typeof node !== 'object') return 0;
    node = node[k] as Record<string, unknown> | undefined;
  }
  return typeof node === 'number' ? node : 0;
}
