import { z } from 'zod';
import type { Types } from 'mongoose';
import { ValidationError } from '../platform/http/errors';
import { referenceData } from '../platform/reference-cache';
import { CalendarYear } from './calendar.model';
import { SHIPPED_YEARS } from './holidays.data';
import { addWorkingDays, buildCalendar, isIsoDate, isWeekend, provisionalYears, yearOf, type WorkingCalendar } from './working-days';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** A bad calendar edit: `fields` holds the reason per field, `dates` the date it is about. */
export class CalendarInputError extends ValidationError {
  constructor(
    fields: Record<string, string>,
    public readonly dates: Record<string, string>,
  ) {
    super(fields);
  }
}

export function isCalendarYear(year: number): boolean {
  return Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}

/** A date a deadline may be counted from: real, and in the years the calendar can hold. */
export const countableDate = z
  .string({ error: 'invalid_date' })
  .refine((v) => isIsoDate(v) && isCalendarYear(Number(v.slice(0, 4))), { error: 'invalid_date' });

/**
 * Upserts the shipped years with $setOnInsert only, so a year the administrator edited is never
 * overwritten by a restart. Timestamps are set by hand: mongoose would otherwise $set updatedAt
 * on every boot, making an untouched year look freshly changed.
 */
export async function seedCalendar(): Promise<number> {
  for (const y of SHIPPED_YEARS) {
    const now = new Date();
    try {
      await CalendarYear.updateOne(
        { year: y.year },
        { $setOnInsert: { holidays: [...y.holidays], workdays: [...y.workdays], source: y.source, updatedBy: null, createdAt: now, updatedAt: now } },
        { upsert: true, timestamps: false },
      );
    } catch (err) {
      // Web and worker may seed at the same moment; the other one inserted the year first.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  return SHIPPED_YEARS.length;
}

/**
 * Every year from MongoDB, read on each use: a handful of small documents, and an edit made
 * through one process applies at once in all of them. Provisional: a year not entered yet counts
 * Monday to Friday (and what is counted so says it is provisional), so deadlines never stop.
 */
export async function loadCalendar(): Promise<WorkingCalendar> {
  return calendar();
}

// Held in memory, built once per change (reference-cache): an edit still applies in every process.
const calendar = referenceData('calendar', async () => {
  const years = await CalendarYear.find().lean();
  return buildCalendar(years.map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays })), { provisional: true });
});

export interface DueDate {
  date: string;
  /** Counted (partly) in a year not entered yet, Monday to Friday: to be confirmed. */
  provisional: boolean;
}

/** The last day of a period of n working days starting after `from`. */
export async function dueDateInfo(from: string, n: number): Promise<DueDate> {
  const cal = await loadCalendar();
  const date = addWorkingDays(from, n, cal);
  return { date, provisional: provisionalYears(from, date, cal).length > 0 };
}

export async function dueDate(from: string, n: number): Promise<string> {
  return (await dueDateInfo(from, n)).date;
}

/** Years the calendar lacks among this year and, from 1 November, the next: what the administrator must enter. */
export async function missingYears(today: string): Promise<number[]> {
  const year = Number(today.slice(0, 4));
  const wanted = today.slice(5) >= '11-01' ? [year, year + 1] : [year];
  const cal = await calendar();
  return wanted.filter((y) => !cal.years.has(y));
}

export async function listYears() {
  return CalendarYear.find().sort({ year: 1 }).lean();
}

export async function getYear(year: number) {
  return CalendarYear.findOne({ year }).lean();
}

/**
 * Checks one year's lists; every bad field is reported at once, with the first bad date in it.
 * Holidays may fall on weekends (a block lists every day off), but a make-up working day only
 * makes sense on a Saturday or Sunday. Returns both lists de-duplicated and sorted.
 */
export function checkYearLists(year: number, holidays: readonly string[], workdays: readonly string[]): { holidays: string[]; workdays: string[] } {
  const fields: Record<string, string> = {};
  const dates: Record<string, string> = {};
  const flag = (field: string, reason: string, date: string) => {
    if (field in fields) return;
    fields[field] = reason;
    dates[field] = date;
  };
  const common = (field: string, date: string) => {
    if (!isIsoDate(date)) flag(field, 'invalid_date', date);
    else if (yearOf(date) !== year) flag(field, 'not_in_year', date);
  };

  for (const d of holidays) common('holidays', d);
  const holidaySet = new Set(holidays);
  for (const d of workdays) {
    common('workdays', d);
    if (!isIsoDate(d)) continue;
    if (!isWeekend(d)) flag('workdays', 'not_weekend', d);
    else if (holidaySet.has(d)) flag('workdays', 'in_both_lists', d);
  }
  if (Object.keys(fields).length) throw new CalendarInputError(fields, dates);
  return { holidays: [...holidaySet].sort(), workdays: [...new Set(workdays)].sort() };
}

/**
 * Replaces one year's lists (adding the year when new, e.g. once the next notice is out).
 * `source` is left as it was when not given. A year without any day off moves every deadline
 * in it (and no year has none), so it is saved only when the caller says it is meant.
 */
export async function updateYear(
  year: number,
  holidays: readonly string[],
  workdays: readonly string[],
  userId: Types.ObjectId,
  source?: string,
  { allowNoHolidays = false }: { allowNoHolidays?: boolean } = {},
) {
  if (!isCalendarYear(year)) throw new ValidationError({ year: 'invalid' });
  const lists = checkYearLists(year, holidays, workdays);
  if (!lists.holidays.length && !allowNoHolidays) throw new CalendarInputError({ holidays: 'confirm_no_holidays' }, {});
  const set: Record<string, unknown> = { ...lists, updatedBy: userId };
  if (source !== undefined) set.source = source;
  return CalendarYear.findOneAndUpdate({ year }, { $set: set }, { upsert: true, returnDocument: 'after' }).lean();
}
