import { isIsoDate } from '../platform/dates';

// Calendar arithmetic on county dates ('YYYY-MM-DD'): plain functions, no clock and no time zone
// (a county date has none). The dashboard's periods and chart buckets are built from these.

export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIODS)[number];
export const BUCKETS = ['week', 'month'] as const;
export type BucketKind = (typeof BUCKETS)[number];

export interface DateRange {
  from: string;
  to: string;
}

const DAY_MS = 24 * 3600 * 1000;
const toUtc = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, n: number): string {
  return fromUtc(toUtc(date) + n * DAY_MS);
}

/** Monday of the date's week (weeks run Monday to Sunday, as on Chinese calendars). */
export function weekStart(date: string): string {
  const dow = (new Date(toUtc(date)).getUTCDay() + 6) % 7;
  return addDays(date, -dow);
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return fromUtc(Date.UTC(y, m, 0));
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/** The period of the given kind that holds `today`, from its first day up to `today` included. */
export function periodOf(kind: PeriodKind, today: string): DateRange {
  const y = today.slice(0, 4);
  const m = Number(today.slice(5, 7));
  switch (kind) {
    case 'week':
      return { from: weekStart(today), to: today };
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'quarter':
      return { from: `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`, to: today };
    case 'year':
      return { from: `${y}-01-01`, to: today };
  }
}

/** Every date of the range, in order. */
export function daysOf(r: DateRange): string[] {
  const days: string[] = [];
  for (let d = r.from; d <= r.to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The months the range touches ('YYYY-MM'). */
export function monthsOf(r: DateRange): string[] {
  const months: string[] = [];
  for (let m = monthOf(r.from); m <= monthOf(r.to); m = addMonths(m, 1)) months.push(m);
  return months;
}

/** Whether the range covers whole months only (then month counters add up to it exactly). */
export function wholeMonths(r: DateRange, today: string): boolean {
  return r.from.endsWith('-01') && (r.to === lastDayOfMonth(monthOf(r.to)) || r.to === today);
}

/** The chart's buckets over the range: weeks (Monday to Sunday) or months, clipped to the range. */
export function bucketsOf(r: DateRange, kind: BucketKind): DateRange[] {
  const out: DateRange[] = [];
  let start = r.from;
  while (start <= r.to) {
    const end = kind === 'week' ? addDays(weekStart(start), 6) : lastDayOfMonth(monthOf(start));
    out.push({ from: start, to: end < r.to ? end : r.to });
    start = addDays(end, 1);
  }
  return out;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export function isMonth(v: unknown): v is string {
  return typeof v === 'string' && MONTH.test(v) && isIsoDate(`${v}-01`);
}
