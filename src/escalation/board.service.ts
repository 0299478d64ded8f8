import { z } from 'zod';
import { loadCalendar } from '../calendar/calendar.service';
import { addWorkingDays, CalendarGapError, dueInstant, workingDaysBetween, type WorkingCalendar } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { objectIdString, wholeNumber } from '../platform/http/validate';
import { toCsv, toXlsx, type Cell } from '../platform/tabular';
import { SERIES } from '../units/unit.model';
import { unitNamesById } from '../units/unit.service';
import { Watch } from './escalation.models';

export const boardQuery = z.object({
  // Forms send '' for "all": read it as no filter before any conversion ('' would coerce to 0).
  series: z.literal('').transform(() => undefined).or(z.enum(SERIES, { error: 'invalid' }).optional()),
  unitId: z.literal('').transform(() => undefined).or(objectIdString('unknown_unit').optional()),
  level: z.literal('').transform(() => undefined).or(wholeNumber(0, 3).optional()),
  sort: z.enum(['deadline', 'level', 'unit']).default('deadline'),
  // Only the cases due soon: not overdue yet and not escalated (the dashboard's "due soon").
  due: z.literal('').transform(() => undefined).or(z.enum(['soon'], { error: 'invalid' }).optional()),
});
export type BoardQuery = z.infer<typeof boardQuery>;

export interface BoardRow {
  caseId: string;
  number: string;
  unitId: string;
  unitCode: string;
  unitName: { zh: string; en: string };
  series: string | null;
  categoryCode: string;
  priority: string | null;
  status: string;
  deadlineDate: string;
  /** Working days left (negative: overdue by so many). */
  daysLeft: number | null;
  overdue: boolean;
  level: number;
  manual: boolean;
  problem: boolean;
  paused: boolean;
}

function daysLeft(today: string, deadline: string, cal: WorkingCalendar): number | null {
  try {
    return today <= deadline ? workingDaysBetween(today, deadline, cal) : -workingDaysBetween(deadline, today, cal);
  } catch (err) {
    if (err instanceof CalendarGapError) return null;
    throw err;
  }
}

/**
 * The overdue board: every case a unit has in hand that is overdue or due within the "due soon"
 * window, from the watch list (its size follows the open work), by series, unit, level and age.
 */
export async function overdueBoard(ctx: Pick<Context, 'clock' | 'config'>, q: BoardQuery): Promise<BoardRow[]> {
  const cal = await loadCalendar();
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  let horizon: Date;
  try {
    horizon = dueInstant(addWorkingDays(today, ctx.config.DUE_SOON_WORKING_DAYS, cal), ctx.config.TZ_COUNTY);
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    horizon = dueInstant(today, ctx.config.TZ_COUNTY);
  }
  const filter: Record<string, unknown> = { deadlineAt: { $lte: horizon }, gone: false };
  if (q.series) filter.series = q.series;
  if (q.unitId) filter.unitId = q.unitId;
  if (q.level !== undefined) filter.level = q.level;
  if (q.due === 'soon') {
    filter.deadlineAt = { $lte: horizon, $gte: ctx.clock.now() };
    filter.level = 0;
  }
  const [watched, names] = await Promise.all([Watch.find(filter).lean(), unitNamesById()]);
  const now = ctx.clock.now();
  const rows = watched.map((w) => {
    const u = names.get(String(w.unitId));
    return {
      caseId: String(w._id),
      number: w.number,
      unitId: String(w.unitId),
      unitCode: u?.code ?? '',
      unitName: { zh: u?.nameZh ?? '', en: u?.nameEn ?? '' },
      series: w.series ?? null,
      categoryCode: w.categoryCode,
      priority: w.priority ?? null,
      status: w.status,
      deadlineDate: w.deadlineDate,
      daysLeft: daysLeft(today, w.deadlineDate, cal),
      overdue: (w.deadlineAt as unknown as Date) < now,
      level: w.level ?? 0,
      manual: !!w.manual,
      problem: !!w.problem,
      paused: !!w.paused,
    };
  });
  const by: Record<BoardQuery['sort'], (a: BoardRow, b: BoardRow) => number> = {
    deadline: (a, b) => a.deadlineDate.localeCompare(b.deadlineDate) || a.number.localeCompare(b.number),
    level: (a, b) => b.level - a.level || a.deadlineDate.localeCompare(b.deadlineDate),
    unit: (a, b) => a.unitCode.localeCompare(b.unitCode) || a.deadlineDate.localeCompare(b.deadlineDate),
  };
  return rows.sort(by[q.sort]);
}

const COLUMNS = [
  { key: 'number', zh: '受理编号', en: 'Case' },
  { key: 'unitCode', zh: '单位代码', en: 'Unit code' },
  { key: 'unitName', zh: '承办单位', en: 'Unit' },
  { key: 'series', zh: '系列', en: 'Series' },
  { key: 'categoryCode', zh: '类别', en: 'Category' },
  { key: 'priority', zh: '紧急程度', en: 'Priority' },
  { key: 'deadline', zh: '整改期限', en: 'Deadline' },
  { key: 'daysLeft', zh: '剩余工作日', en: 'Working days left' },
  { key: 'level', zh: '逾期等级', en: 'Level' },
  { key: 'problem', zh: '问题工单', en: 'Problem case' },
  { key: 'paused', zh: '等待投诉人', en: 'Waiting for the filer' },
] as const;

function cells(r: BoardRow): Cell[] {
  const [y, m, d] = r.deadlineDate.split('-').map(Number);
  return [r.number, r.unitCode, r.unitName.zh, r.series, r.categoryCode, r.priority, new Date(Date.UTC(y!, m! - 1, d!)), r.daysLeft, r.level, r.problem ? '是' : '', r.paused ? '是' : ''];
}

/** The board as CSV (UTF-8 with BOM, so Excel opens the Chinese correctly). */
export function boardCsv(rows: readonly BoardRow[]): string {
  return toCsv(COLUMNS.map((c) => `${c.zh} / ${c.en}`), rows.map(cells));
}

/** The board as an XLSX workbook (exceljs): dates as dates, numbers as numbers. */
export async function boardXlsx(rows: readonly BoardRow[], generatedAt: Date): Promise<Buffer> {
  return toXlsx([{ name: '逾期督办 Overdue', columns: COLUMNS.map((c) => ({ header: `${c.zh} / ${c.en}`, width: c.key === 'unitName' ? 24 : 14, date: c.key === 'deadline' })), rows: rows.map(cells) }], generatedAt);
}
