import { SHIPPED_YEARS } from '../../src/calendar/holidays.data';
import {
  addWorkingDays,
  workingDaysBefore,
  buildCalendar,
  CalendarGapError,
  dueInstant,
  isIsoDate,
  isWeekend,
  isWorkingDay,
  workingDaysBetween,
  yearOf,
} from '../../src/calendar/working-days';

const cal = buildCalendar(SHIPPED_YEARS);

describe('addWorkingDays (the day after the start is day 1)', () => {
  it('when a notice is issued Friday 2026-02-13 with 5 working days, then it is due 2026-02-27 (DESIGN example)', () => {
    expect(addWorkingDays('2026-02-13', 5, cal)).toBe('2026-02-27');
  });

  it('when counting across Spring Festival 2026, then 02-15..02-23 are skipped and Saturdays 02-14 and 02-28 count', () => {
    expect(addWorkingDays('2026-02-13', 1, cal)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2, cal)).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-23', 5, cal)).toBe('2026-02-28');
    expect(addWorkingDays('2026-02-23', 6, cal)).toBe('2026-03-02');
  });

  it('when counting across Spring Festival 2025, then 01-28..02-04 are skipped and Sun 01-26 and Sat 02-08 count', () => {
    expect(addWorkingDays('2025-01-24', 1, cal)).toBe('2025-01-26');
    expect(addWorkingDays('2025-01-24', 2, cal)).toBe('2025-01-27');
    expect(addWorkingDays('2025-01-24', 3, cal)).toBe('2025-02-05');
    expect(addWorkingDays('2025-02-05', 3, cal)).toBe('2025-02-08');
  });

  it('when counting across National Day 2025 (8 days off), then Sun 09-28 and Sat 10-11 count', () => {
    expect(addWorkingDays('2025-09-26', 1, cal)).toBe('2025-09-28');
    expect(addWorkingDays('2025-09-30', 1, cal)).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-30', 3, cal)).toBe('2025-10-11');
    expect(addWorkingDays('2025-09-30', 4, cal)).toBe('2025-10-13');
  });

  it('when counting across Mid-Autumn and National Day 2026, then Sun 09-20 and Sat 10-10 count', () => {
    expect(addWorkingDays('2026-09-18', 1, cal)).toBe('2026-09-20');
    expect(addWorkingDays('2026-09-24', 1, cal)).toBe('2026-09-28');
    expect(addWorkingDays('2026-09-30', 1, cal)).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-30', 3, cal)).toBe('2026-10-10');
    expect(addWorkingDays('2026-09-30', 4, cal)).toBe('2026-10-12');
  });

  it('when a make-up Saturday or Sunday is reached, then it counts as a working day', () => {
    for (const d of ['2024-02-04', '2024-05-11', '2025-01-26', '2025-10-11', '2026-01-04', '2026-02-14', '2026-09-20']) {
      expect(isWeekend(d)).toBe(true);
      expect(isWorkingDay(d, cal)).toBe(true);
    }
    expect(isWorkingDay('2026-03-07', cal)).toBe(false); // an ordinary Saturday
  });

  it('when the start day is a holiday or a weekend, then counting still starts the day after it', () => {
    expect(addWorkingDays('2026-02-16', 1, cal)).toBe('2026-02-24'); // Monday inside Spring Festival
    expect(addWorkingDays('2026-03-01', 1, cal)).toBe('2026-03-02'); // Sunday
    expect(addWorkingDays('2026-03-07', 5, cal)).toBe('2026-03-13'); // Saturday
  });

  it('when the period crosses New Year 2026, then 01-01..01-03 are off and Sunday 01-04 is day 1', () => {
    expect(addWorkingDays('2025-12-31', 1, cal)).toBe('2026-01-04');
    expect(addWorkingDays('2025-12-31', 3, cal)).toBe('2026-01-06');
    expect(addWorkingDays('2024-12-31', 1, cal)).toBe('2025-01-02');
  });

  it('when n is 1 from an ordinary Friday, then it is due the next Monday', () => {
    expect(addWorkingDays('2026-03-06', 1, cal)).toBe('2026-03-09');
  });

  it('when the start day is in a year the calendar lacks, then only the counted days need the calendar', () => {
    expect(addWorkingDays('2023-12-31', 1, cal)).toBe('2024-01-02');
  });

  it('when the count runs into 2027, then a CalendarGapError names the year instead of guessing', () => {
    expect(addWorkingDays('2026-12-30', 1, cal)).toBe('2026-12-31');
    let thrown: unknown;
    try {
      addWorkingDays('2026-12-30', 2, cal);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CalendarGapError);
    expect((thrown as CalendarGapError).year).toBe(2027);
    expect((thrown as CalendarGapError).status).toBe(422);
    expect((thrown as CalendarGapError).code).toBe('calendar_gap');
    expect(() => isWorkingDay('2027-03-01', cal)).toThrow(CalendarGapError);
  });

  it('when the input is malformed, then it is refused rather than counted', () => {
    expect(() => addWorkingDays('2026-02-30', 1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-2-3', 1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-13', 0, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-13', 1.5, cal)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('when measured from the DESIGN example start to its due date, then it is 5', () => {
    expect(workingDaysBetween('2026-02-13', '2026-02-27', cal)).toBe(5);
  });

  it('when the end is not after the start, then it is 0', () => {
    expect(workingDaysBetween('2026-02-13', '2026-02-13', cal)).toBe(0);
    expect(workingDaysBetween('2026-02-27', '2026-02-13', cal)).toBe(0);
  });

  it('when it measures what addWorkingDays produced, then it gives n back', () => {
    for (const start of ['2024-02-08', '2024-09-28', '2025-01-24', '2025-09-30', '2025-12-31', '2026-02-13', '2026-09-18']) {
      for (const n of [1, 2, 5, 10, 15, 30]) expect(workingDaysBetween(start, addWorkingDays(start, n, cal), cal)).toBe(n);
    }
  });
});

describe('dueInstant', () => {
  it('when due 2026-02-27, then the deadline is the last millisecond of that day in Asia/Shanghai', () => {
    expect(dueInstant('2026-02-27').toISOString()).toBe('2026-02-27T15:59:59.999Z');
    expect(dueInstant('2026-02-27', 'Asia/Shanghai').toISOString()).toBe('2026-02-27T15:59:59.999Z');
  });

  it('when another zone is given, then its own midnight (daylight saving included) ends the day', () => {
    expect(dueInstant('2026-02-27', 'UTC').toISOString()).toBe('2026-02-27T23:59:59.999Z');
    // New York moves to UTC-4 at 02:00 on 2026-03-08, so that day ends at 03:59:59.999Z.
    expect(dueInstant('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-09T03:59:59.999Z');
  });
});

describe('shipped holiday data', () => {
  it('when checked, then every date is real and in its year, make-up days are weekends, and no date is in both lists', () => {
    for (const y of SHIPPED_YEARS) {
      for (const d of [...y.holidays, ...y.workdays]) {
        expect(isIsoDate(d)).toBe(true);
        expect(yearOf(d)).toBe(y.year);
      }
      for (const d of y.workdays) expect(isWeekend(d)).toBe(true);
      expect(y.holidays.filter((d) => y.workdays.includes(d))).toEqual([]);
      expect(new Set(y.holidays).size).toBe(y.holidays.length);
      expect(y.source).toMatch(new RegExp(`${y.year}年部分节假日安排的通知`));
    }
  });

  it('when counted, then each year has the days off and make-up days of its notice', () => {
    const counts = SHIPPED_YEARS.map((y) => [y.year, y.holidays.length, y.workdays.length]);
    expect(counts).toEqual([
      [2024, 28, 8],
      [2025, 28, 5],
      [2026, 33, 6],
    ]);
  });
});

describe('workingDaysBefore', () => {
  const cal = buildCalendar(SHIPPED_YEARS);
  it('when a deadline is a Monday, then 1 working day before is the Friday, and the count back agrees', () => {
    expect(workingDaysBefore('2026-03-16', 1, cal)).toBe('2026-03-13');
    expect(workingDaysBetween(workingDaysBefore('2026-03-16', 2, cal), '2026-03-16', cal)).toBe(2);
  });
  it('when the days before run through the Spring Festival, then the holiday is skipped and the make-up Saturday counts', () => {
    // 2026-02-27 (Fri) minus 5 working days: 02-26, 02-25, 02-24, (02-15..02-23 holiday), 02-14 (Sat, make-up), 02-13.
    expect(workingDaysBefore('2026-02-27', 5, cal)).toBe('2026-02-13');
  });
});
