import { dueInstant } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { addCase, emptyCounts, withRates, type MetricCase, type MetricCounts, type UnitMetrics } from '../rectification/metrics';
import { addDays, lastDayOfMonth, monthOf } from './periods';
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

/**
 * Computes the months' unit counts from the cases' timelines in ONE pass over the cases (the
 * same counting as the unit metrics page: src/rectification/metrics.ts) and stores them.
 */
export async function computeMonths(ctx: Ctx, months: readonly string[]): Promise<void> {
  if (!months.length) return;
  const tz = ctx.config.TZ_COUNTY;
  const now = ctx.clock.now();
  const ranges = months.map((m) => ({ month: m, ...monthInstants(m, tz) }));
  for (let attempt = 1; ; attempt++) {
    const counts = new Map<string, Map<string, MetricCounts>>(months.map((m) => [m, new Map()]));
    try {
      const cursor = Case.find({}, { status: 1, assignedUnitId: 1, unitHistory: 1, deadlineAt: 1, signDueAt: 1, timeline: 1, satisfaction: 1, unreasonable: 1, followUps: 1 })
        .lean()
        .cursor({ batchSize: 2000 });
      for await (const c of cursor) {
        for (const u of (c as { unitHistory?: unknown[] }).unitHistory ?? []) {
          const unit = String(u);
          for (const r of ranges) {
            const byUnit = counts.get(r.month)!;
            const m = byUnit.get(unit) ?? emptyCounts();
            addCase(m, unit, c as unknown as MetricCase, r.from, r.to, now);
            byUnit.set(unit, m);
          }
        }
      }
    } catch (err) {
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
      continue;
    }
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
    ctx.logger.info({ months }, 'oversight.month_metrics_computed');
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

/**
 * The months' snapshots: read by `_id`; a month never computed is computed first; with `refresh`,
 * so is a month not frozen yet that a case changed since (stale) or that was computed before today
 * (time alone moves some figures: deadlines fall due). Months after the current one are empty.
 */
export async function monthSnapshots(ctx: Ctx, months: readonly string[], opts: { refresh?: boolean } = {}): Promise<Map<string, MonthSnapshot>> {
  const current = monthOf(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
  const wanted = months.filter((m) => m <= current);
  // An `$in` decodes every snapshot of the collection on FerretDB (not pushed down); an `_id`
  // equality only reads up to its own (measured at 100,000 cases: one month 31 ms by id, 266 ms by
  // `$in`; eleven months about the same either way).
  const byId = async () => (wanted.length <= 3 ? (await Promise.all(wanted.map((m) => MonthMetrics.findById(m).lean()))).filter((d) => d !== null) : await MonthMetrics.find({ _id: { $in: wanted } }).lean());
  const read = async () => new Map((await byId()).map((d) => [String(d._id), d as unknown as MonthSnapshot]));
  let found = await read();
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  const outdated = (s: MonthSnapshot) => !s.frozen && (s.stale || countyDate(new Date(s.computedAt), ctx.config.TZ_COUNTY) < today);
  const todo = wanted.filter((m) => !found.has(m) || (opts.refresh && outdated(found.get(m)!)));
  if (todo.length) {
    await computeMonths(ctx, todo);
    found = await read();
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
