import { dueInstant } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { casesOfUnit } from '../cases/case.service';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { findUnit } from '../units/unit.service';
import { computeUnitMetrics, type UnitMetrics } from './metrics';

export interface Period {
  from: string;
  to: string;
}

/** The period as instants: from the start of `from` to the end of `to`, county time. */
function instants(p: Period, tz: string): { from: Date; to: Date } {
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
