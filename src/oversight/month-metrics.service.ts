import { dueInstant } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { addCase, emptyCounts, withRates, type MetricCase, type MetricCounts, type UnitMetrics } from '../rectification/metrics';
import { addDays, lastDayOfMonth, monthOf, monthsOf, type DateRange } from './periods';
import { MonthMetrics } from './oversight.models';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

/** A month's first and last instants, county time. */
function monthInstants(month: string, tz: string): { from: Date; to: Date } {
  return { from: new Date(dueInstant(addDays(`${month}-01`, -1), tz).getTime() + 1), to: dueInstant(lastDayOfMonth(month), tz) };
}

/**
 * A month is frozen once it is over and its ratings are in: RATING_WINDOW_DAYS after its last day
 * (a case accepted on the 31st may be rated until then). Until then the job recomputes it.
 */
function isFrozen(ctx: Ctx, month: string): boolean {
  return countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY) > addDays(lastDayOfMonth(month), ctx.config.RATING_WINDOW_DAYS);
}

const CURSOR_NOT_FOUND = 43;

/** The case fields the month counts read. */
export const MONTH_FIELDS = { status: 1, assignedUnitId: 1, unitHistory: 1, deadlineAt: 1, signDueAt: 1, timeline: 1, satisfaction: 1, unreasonable: 1, followUps: 1 } as const;

export interface MonthCounter {
  /** Adds one case's part to every month (a case read with at least MONTH_FIELDS). */
  add(c: unknown): void;
  /** Stores the months (a month frozen meanwhile by another run keeps its figures). */
  save(): Promise<void>;
}

/**
 * Counts the months from cases handed to it one by one, so a pass over the cases made for
 * another purpose (the public refresh's open-data rows) computes the months too, instead of a
 * second pass. The same counting as the unit metrics page (src/rectification/metrics.ts).
 */
export function monthCounter(ctx: Ctx, months: readonly string[]): MonthCounter {
  const tz = ctx.config.TZ_COUNTY;
  const now = ctx.clock.now();
  const ranges = months.map((m) => ({ month: m, ...monthInstants(m, tz) }));
  const counts = new Map<string, Map<string, MetricCounts>>(months.map((m) => [m, new Map()]));
  return {
    add(c) {
      for (const u of (c as { unitHistory?: unknown[] }).unitHistory ?? []) {
        const unit = String(u);
        for (const r of ranges) {
          const byUnit = counts.get(r.month)!;
          const m = byUnit.get(unit) ?? emptyCounts();
          addCase(m, unit, c as MetricCase, r.from, r.to, now);
          byUnit.set(unit, m);
        }
      }
    },
    async save() {
      await Promise.all(
        months.map((month) =>
          MonthMetrics.updateOne(
            { _id: month, frozen: { $ne: true } },
            { $set: { computedAt: now, stale: false, frozen: isFrozen(ctx, month), units: Object.fromEntries(counts.get(month)!) } },
            { upsert: true },
          ).catch((err: unknown) => {
            // Frozen meanwhile by another run: its figures stand.
            if ((err as { code?: number }).code !== 11000) throw err;
          }),
        ),
      );
      if (months.length) ctx.logger.info({ months }, 'oversight.month_metrics_computed');
    },
  };
}

/** Computes the months' unit counts in ONE pass over the cases and stores them. */
export async function computeMonths(ctx: Ctx, months: readonly string[]): Promise<void> {
  if (!months.length) return;
  for (let attempt = 1; ; attempt++) {
    const counter = monthCounter(ctx, months);
    try {
      const cursor = Case.find({}, MONTH_FIELDS).lean().cursor({ batchSize: 2000 });
      for await (const c of cursor) counter.add(c);
    } catch (err) {
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
      continue;
    }
    await counter.save();
    return;
  }
}

export interface MonthSnapshot {
  month: string;
  computedAt: Date;
  frozen: boolean;
  stale?: boolean;
  units: Record<string, MetricCounts>;
}

async function readMonths(months: readonly string[]): Promise<Map<string, MonthSnapshot>> {
  if (!months.length) return new Map();
  // An `$in` decodes every snapshot of the collection on FerretDB (not pushed down); an `_id`
  // equality is answered from the index (our build), so a few years of months are read one by one
  // (in parallel they only queue at the server).
  const byId = async () => {
    const found = [];
    for (const m of months) found.push(await MonthMetrics.findById(m).lean());
    return found.filter((d) => d !== null);
  };
  const docs = months.length <= 36 ? await byId() : await MonthMetrics.find({ _id: { $in: months } }).lean();
  return new Map(docs.map((d) => [String(d._id), d as unknown as MonthSnapshot]));
}

/**
 * Which of the months a reader would have computed first: a month never computed; with
 * `refresh`, also a month not frozen yet that a case changed since (stale) or that was computed
 * before today (time alone moves some figures: deadlines fall due). Months after the current one
 * are never computed (nothing has happened in them).
 */
export async function monthsToCompute(ctx: Ctx, months: readonly string[], opts: { refresh?: boolean } = {}): Promise<string[]> {
  const wanted = notAfterThisMonth(ctx, months);
  return toCompute(ctx, wanted, await readMonths(wanted), opts);
}

function notAfterThisMonth(ctx: Ctx, months: readonly string[]): string[] {
  const current = monthOf(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
  return months.filter((m) => m <= current);
}

function toCompute(ctx: Ctx, wanted: readonly string[], found: Map<string, MonthSnapshot>, opts: { refresh?: boolean }): string[] {
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  const outdated = (s: MonthSnapshot) => !s.frozen && (s.stale || countyDate(new Date(s.computedAt), ctx.config.TZ_COUNTY) < today);
  return wanted.filter((m) => !found.has(m) || (opts.refresh && outdated(found.get(m)!)));
}

/** The months' snapshots, read by `_id`; those monthsToCompute names are computed first (one pass) and read again. */
export async function monthSnapshots(ctx: Ctx, months: readonly string[], opts: { refresh?: boolean } = {}): Promise<Map<string, MonthSnapshot>> {
  const wanted = notAfterThisMonth(ctx, months);
  let found = await readMonths(wanted);
  const todo = toCompute(ctx, wanted, found, opts);
  if (todo.length) {
    await computeMonths(ctx, todo);
    found = await readMonths(wanted);
  }
  return new Map(months.map((m) => [m, found.get(m) ?? { month: m, computedAt: ctx.clock.now(), frozen: false, units: {} }]));
}

/** A unit's counts over several months added up (every count is a sum over events or cases). */
export function sumCounts(parts: readonly (MetricCounts | undefined)[]): MetricCounts {
  const total = emptyCounts();
  for (const p of parts) {
    if (!p) continue;
    for (const [k, v] of Object.entries(p)) {
      const key = k as keyof MetricCounts;
      if (typeof v === 'number') (total[key] as number) += v;
      else if (v && typeof v === 'object') for (const [kk, vv] of Object.entries(v)) (total[key] as Record<string, number>)[kk] = ((total[key] as Record<string, number>)[kk] ?? 0) + (vv as number);
    }
  }
  return total;
}

/** Each unit's metrics over the months (rates from the summed counts). */
export function unitsOver(snapshots: Iterable<MonthSnapshot>, unitIds: readonly string[]): Map<string, UnitMetrics> {
  const list = [...snapshots];
  return new Map(unitIds.map((id) => [id, withRates(sumCounts(list.map((s) => s.units[id])))]));
}

/** A case changed: every month not frozen yet is to be computed again (the job or the next ranking does it). */
export async function markMonthsStale(): Promise<void> {
  await MonthMetrics.updateMany({ frozen: false, stale: { $ne: true } }, { $set: { stale: true } });
}

/**
 * Each unit's metrics over a period of whole months (the months' snapshots added up), with one
 * exception: `overdueNow` is the present state, the same in every month's snapshot, so it is
 * taken once, from the current month's (asked for too; never frozen). A period ending in a month
 * not over yet counts that month so far (the current month's snapshot covers events to its
 * computation). With `refresh`, stale or yesterday's months are computed again first.
 */
export async function unitMetricsOver(ctx: Ctx, period: DateRange, unitIds: readonly string[], opts: { refresh?: boolean } = {}): Promise<Map<string, UnitMetrics>> {
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  if (period.from > period.to || !period.from.endsWith('-01') || !(period.to === lastDayOfMonth(monthOf(period.to)) || period.to >= today)) {
    throw new Error(`not a period of whole months: ${period.from}..${period.to}`);
  }
  const months = monthsOf(period);
  const current = monthOf(today);
  const snaps = await monthSnapshots(ctx, months.includes(current) ? months : [...months, current], opts);
  const metrics = unitsOver(months.map((m) => snaps.get(m)!), unitIds);
  const now = snaps.get(current)!;
  for (const [id, m] of metrics) m.overdueNow = now.units[id]?.overdueNow ?? 0;
  return metrics;
}
