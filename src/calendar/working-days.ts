import { AppError } from '../platform/http/errors';

// Dates are 'YYYY-MM-DD' strings throughout: a calendar day has no time zone, and a Date would
// silently shift by a day whenever it is read in the wrong one. Arithmetic runs on UTC midnights.

/** The working-day calendar: exceptions to "Monday to Friday", for the years it knows. */
export interface WorkingCalendar {
  /** Days off that would otherwise be working days (weekend holidays may be listed too). */
  holidays: Set<string>;
  /** Make-up working days (调休): Saturdays or Sundays declared working days. */
  workdays: Set<string>;
  /** Years whose arrangement is known; any other year cannot be counted... */
  years: Set<number>;
  /**
   * ...unless provisional: then a year not entered counts Monday to Friday, so the county does not
   * stop on 1 January before the State Council publishes the year's arrangement. Dates counted so
   * are marked provisional (provisionalYears) wherever they are shown.
   */
  provisional?: boolean;
}

export interface CalendarYearData {
  year: number;
  holidays: readonly string[];
  workdays: readonly string[];
}

/**
 * The arithmetic reached a year whose holiday arrangement is not in the calendar. Weekends alone
 * would give a wrong deadline, which is worse than none: the administrator must add the year.
 */
export class CalendarGapError extends AppError {
  constructor(public readonly year: number) {
    super(422, 'calendar_gap', `no working-day calendar for ${year}`);
    this.name = 'CalendarGapError';
  }
}

const DAY_MS = 24 * 3600 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches it.
  if (fromUtcMs(ms) !== date) throw new RangeError(`no such date: ${date}`);
  return ms;
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a real calendar date written 'YYYY-MM-DD' (so not 2026-02-30). */
export { isIsoDate } from '../platform/dates';

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

export function nextDay(date: string): string {
  return fromUtcMs(toUtcMs(date) + DAY_MS);
}

export function buildCalendar(years: readonly CalendarYearData[], options: { provisional?: boolean } = {}): WorkingCalendar {
  const cal: WorkingCalendar = { holidays: new Set(), workdays: new Set(), years: new Set(), provisional: options.provisional ?? false };
  for (const y of years) {
    cal.years.add(y.year);
    for (const d of y.holidays) cal.holidays.add(d);
    for (const d of y.workdays) cal.workdays.add(d);
  }
  return cal;
}

/** A holiday beats the weekday rule; a make-up day beats the weekend. */
export function isWorkingDay(date: string, cal: WorkingCalendar): boolean {
  toUtcMs(date); // rejects malformed input before it can look like an ordinary weekday
  if (!cal.years.has(yearOf(date))) {
    if (!cal.provisional) throw new CalendarGapError(yearOf(date));
    return !isWeekend(date);
  }
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  return !isWeekend(date);
}

/**
 * The day a period of n working days ends. Counting starts the day after `start` (the start day
 * itself never counts, Civil Code art. 201), so `start` may be a holiday or outside the calendar.
 */
export function addWorkingDays(start: string, n: number, cal: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number >= 1, got ${n}`);
  let day = start;
  toUtcMs(day);
  for (let counted = 0; counted < n; ) {
    day = nextDay(day);
    if (isWorkingDay(day, cal)) counted += 1;
  }
  return day;
}

/** The years between two dates (both included) that the calendar does not know: counted Monday to Friday. */
export function provisionalYears(from: string, to: string, cal: WorkingCalendar): number[] {
  const [a, b] = [yearOf(from), yearOf(to)].sort((x, y) => x - y);
  const missing: number[] = [];
  for (let y = a!; y <= b!; y++) if (!cal.years.has(y)) missing.push(y);
  return missing;
}

/** The day before `date`. */
export function previousDay(date: string): string {
  return fromUtcMs(toUtcMs(date) - DAY_MS);
}

/**
 * The day n working days before `date`, such that workingDaysBetween(result, date) === n: the
 * day a reminder "n working days before the deadline" falls on.
 */
export function workingDaysBefore(date: string, n: number, cal: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number >= 1, got ${n}`);
  let day = date;
  for (let counted = 0; counted < n; ) {
    if (isWorkingDay(day, cal)) counted += 1;
    day = previousDay(day);
  }
  // Land on a working day: reminders go out on a day the unit works.
  while (!isWorkingDay(day, cal)) day = previousDay(day);
  return day;
}

/**
 * Working days in (from, to]: the same count addWorkingDays uses, so
 * workingDaysBetween(s, addWorkingDays(s, n)) === n. Zero when `to` is not after `from`.
 */
export function workingDaysBetween(from: string, to: string, cal: WorkingCalendar): number {
  const end = toUtcMs(to);
  let day = from;
  let count = 0;
  while (toUtcMs(day) < end) {
    day = nextDay(day);
    if (isWorkingDay(day, cal)) count += 1;
  }
  return count;
}

/** Offset of `tz` from UTC at the given instant, in ms (Asia/Shanghai: +8 h). */
export function tzOffsetMs(instant: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The last millisecond of `dueDate` in county time: a deadline ends with its day, not at its start. */
export function dueInstant(dueDate: string, tz = 'Asia/Shanghai'): Date {
  const nextMidnightWall = toUtcMs(dueDate) + DAY_MS;
  // Two passes settle the offset even when it changes around that midnight (daylight saving).
  let instant = nextMidnightWall - tzOffsetMs(nextMidnightWall, tz);
  instant = nextMidnightWall - tzOffsetMs(instant, tz);
  return new Date(instant - 1);
}
