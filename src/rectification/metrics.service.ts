import { dueInstant } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { casesOfUnit } from '../cases/case.service';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { findUnit } from '../units/unit.service';
import { addCase, computeUnitMetrics, emptyCounts, withRates, type MetricCase, type MetricCounts, type UnitMetrics } from './metrics';

export interface Period {
  from: string;
  to: string;
}

/** The period as instants: from the start of `from` to the end of `to`, county time. */
export function instants(p: Period, tz: string): { from: Date; to: Date } {
  const dayBefore = new Date(Date.parse(`${p.from}T00:00:00Z`) - 24 * 3600 * 1000).toISOString().slice(0, 10);
  return { from: new Date(dueInstant(dayBefore, tz).getTime() + 1), to: dueInstant(p.to, tz) };
}

/** This year so far, county calendar: the default period. */
export function yearToDate(ctx: Pick<Context, 'clock' | 'config'>): Period {
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/**
 * A unit's handling metrics over a period: one function for dashboards, the monthly ranking and
 * the annual evaluation. Reads the unit's cases (every case it ever had) and counts in TypeScript,
 * since the MongoDB-compatible server here has no `$lookup`, `$facet` or accumulators but `$sum`.
 */
export async function unitMetrics(ctx: Pick<Context, 'clock' | 'config'>, unitId: string, period: Period): Promise<{ unit: { id: string; code: string }; period: Period } & UnitMetrics> {
  if (period.from > period.to) throw new ValidationError({ from: 'after_to' });
  const unit = await findUnit(unitId);
  if (!unit) throw new NotFoundError();
  const { from, to } = instants(period, ctx.config.TZ_COUNTY);
  const cases = await casesOfUnit(unit._id);
  return { unit: { id: String(unit._id), code: unit.code }, period, ...computeUnitMetrics(String(unit._id), cases, from, to, ctx.clock.now()) };
}

/**
 * Many units' metrics over a period in one pass over the cases (the annual evaluation's 70 units):
 * each case adds its part to every unit it was with. One read of the history instead of one per
 * unit, since the server here scans the collection for each query; memory holds one batch of
 * cases and one set of counts per unit.
 */
export async function metricsOfUnits(ctx: Pick<Context, 'clock' | 'config'>, unitIds: readonly string[], period: Period): Promise<Map<string, UnitMetrics>> {
  if (period.from > period.to) throw new ValidationError({ from: 'after_to' });
  const { from, to } = instants(period, ctx.config.TZ_COUNTY);
  const now = ctx.clock.now();
  // A long scan can lose its cursor (FerretDB drops it with the connection that opened it, e.g.
  // when the driver recycles its pool under load): the pass starts again from nothing.
  for (let attempt = 1; ; attempt++) {
    try {
      return await onePass(unitIds, from, to, now);
    } catch (err) {
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
    }
  }
}

const CURSOR_NOT_FOUND = 43;

async function onePass(unitIds: readonly string[], from: Date, to: Date, now: Date): Promise<Map<string, UnitMetrics>> {
  const counts = new Map<string, MetricCounts>(unitIds.map((id) => [id, emptyCounts()]));
  const cursor = Case.find({}, { status: 1, assignedUnitId: 1, unitHistory: 1, deadlineAt: 1, signDueAt: 1, timeline: 1, satisfaction: 1, unreasonable: 1, followUps: 1 })
    .lean()
    .cursor({ batchSize: 2000 });
  for await (const c of cursor) {
    for (const u of (c as { unitHistory?: unknown[] }).unitHistory ?? []) {
      const m = counts.get(String(u));
      if (m) addCase(m, String(u), c as unknown as MetricCase, from, to, now);
    }
  }
  return new Map([...counts].map(([id, m]) => [id, withRates(m)]));
}
