// Dates and numbers in the reader's language, dates and times in the county's time zone: one
// formatter per request (`res.locals.fmt` in views), so no page formats a date its own way.

/** A calendar day as stored ('YYYY-MM-DD'), or an instant. */
export type DateInput = Date | string | number | null | undefined;

export interface Formatter {
  /** 2026年3月16日 / Mar 16, 2026 */
  date(value: DateInput): string;
  /** Documents' long form: 2026年3月16日 / March 16, 2026 */
  longDate(value: DateInput): string;
  /** 2026年3月16日 14:05 / Mar 16, 2026, 14:05 */
  dateTime(value: DateInput): string;
  /** 12,345 (grouped in the reader's way) */
  number(value: number | null | undefined, fractionDigits?: number): string;
  /** A ratio as a percentage: 0.875 → 87.5% */
  percent(ratio: number | null | undefined, fractionDigits?: number): string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A stored calendar day is a day, not an instant: it is shown as written whatever the zone. An
 * instant is shown as the county's wall clock.
 */
function split(value: DateInput, timeZone: string): { at: Date; timeZone: string } | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && DAY.test(value)) {
    const [y, m, d] = value.split('-').map(Number);
    return { at: new Date(Date.UTC(y!, m! - 1, d!)), timeZone: 'UTC' };
  }
  const at = value instanceof Date ? value : new Date(value);
  return Number.isNaN(at.getTime()) ? null : { at, timeZone };
}

export function formatter(lang: string, timeZone: string): Formatter {
  const make = (options: Intl.DateTimeFormatOptions) => (value: DateInput) => {
    const v = split(value, timeZone);
    return v ? new Intl.DateTimeFormat(lang, { ...options, timeZone: v.timeZone }).format(v.at) : '';
  };
  return {
    date: make({ dateStyle: 'medium' }),
    longDate: make({ dateStyle: 'long' }),
    dateTime: make({ dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }),
    number: (value, fractionDigits) =>
      value === null || value === undefined || Number.isNaN(value) ? '' : new Intl.NumberFormat(lang, fractionDigits === undefined ? {} : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value),
    percent: (ratio, fractionDigits = 1) =>
      ratio === null || ratio === undefined || Number.isNaN(ratio) ? '' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: fractionDigits }).format(ratio),
  };
}
