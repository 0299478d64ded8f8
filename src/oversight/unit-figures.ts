import type { Context } from '../context';
import type { Rate } from '../rectification/metrics';
import type { UnitView } from '../units/unit.service';
import { unitMetricsOver } from './month-metrics.service';
import type { DateRange } from './periods';

// Each unit's figures for a period, as the reports and the public page show them: one row type
// and one function, both reading the dashboard's month snapshots (one document per month, each
// unit's metric counts; src/oversight/month-metrics.service.ts), so neither scans the cases for
// them and every page's figures follow the unit metrics' definitions (README "Unit handling metrics").

export interface UnitFigures {
  unitId: string;
  code: string;
  nameZh: string;
  nameEn: string;
  series: string;
  received: number;
  resolved: number;
  resolvedOnTime: number;
  /** The three rates (response = on-time signing; on-time resolution; satisfaction), as in the unit metrics. */
  responseRate: Rate;
  resolutionRate: Rate;
  satisfactionRate: Rate;
  overdueDueInPeriod: number;
  overdueNow: number;
  escalations: { level1: number; level2: number; level3: number };
  extensionsApproved: number;
  returnedReports: number;
}

/** The figures a group of units adds up to (a series, the county): counts summed, each rate Σ numerators over Σ denominators. */
export type FiguresTotal = Omit<UnitFigures, 'unitId' | 'code' | 'nameZh' | 'nameEn' | 'series'>;

const sumRate = (rates: Rate[]): Rate => {
  const numerator = rates.reduce((n, r) => n + r.numerator, 0);
  const denominator = rates.reduce((n, r) => n + r.denominator, 0);
  return { numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
};

export function totalOf(units: readonly UnitFigures[]): FiguresTotal {
  const sum = (f: (u: UnitFigures) => number) => units.reduce((n, u) => n + f(u), 0);
  return {
    received: sum((u) => u.received),
    resolved: sum((u) => u.resolved),
    resolvedOnTime: sum((u) => u.resolvedOnTime),
    responseRate: sumRate(units.map((u) => u.responseRate)),
    resolutionRate: sumRate(units.map((u) => u.resolutionRate)),
    satisfactionRate: sumRate(units.map((u) => u.satisfactionRate)),
    overdueDueInPeriod: sum((u) => u.overdueDueInPeriod),
    overdueNow: sum((u) => u.overdueNow),
    escalations: { level1: sum((u) => u.escalations.level1), level2: sum((u) => u.escalations.level2), level3: sum((u) => u.escalations.level3) },
    extensionsApproved: sum((u) => u.extensionsApproved),
    returnedReports: sum((u) => u.returnedReports),
  };
}

/**
 * The units' figures over a period of whole months (a report's month, quarter or year; the public
 * page's year to date, whose last month counts so far), in the order given. `refresh` computes
 * stale months first (one pass over the cases): a report or the public page publishes figures, so
 * they ask for it; without it the figures are as of the month job's last run.
 */
export async function unitFiguresOver(ctx: Pick<Context, 'clock' | 'config' | 'logger'>, period: DateRange, units: readonly UnitView[], opts: { refresh?: boolean } = {}): Promise<UnitFigures[]> {
  const metrics = await unitMetricsOver(ctx, period, units.map((u) => u.id), opts);
  return units.map((u) => {
    const m = metrics.get(u.id)!;
    return {
      unitId: u.id,
      code: u.code,
      nameZh: u.nameZh,
      nameEn: u.nameEn,
      series: u.series,
      received: m.received,
      resolved: m.resolved,
      resolvedOnTime: m.resolvedOnTime,
      responseRate: m.rates.onTimeSigning,
      resolutionRate: m.rates.onTimeResolution,
      satisfactionRate: m.rates.satisfaction,
      overdueDueInPeriod: m.overdueDueInPeriod,
      overdueNow: m.overdueNow,
      escalations: { level1: m.escalations.level1, level2: m.escalations.level2, level3: m.escalations.level3 },
      extensionsApproved: m.extensionsApproved,
      returnedReports: m.returnedReports,
    };
  });
}
