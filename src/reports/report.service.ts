import type { Context } from '../context';
import { campaignStats } from '../campaigns/campaign.service';
import { Campaign } from '../campaigns/campaign.model';
import { Case } from '../cases/case.model';
import { CHANNELS } from '../cases/case.states';
import { findCategory } from '../cases/category.service';
import { Evaluation } from '../evaluation/evaluation.models';
import { totalOf, unitFiguresOver, type UnitFigures } from '../oversight/unit-figures';
import { instants, type Period } from '../rectification/metrics.service';
import { SERIES } from '../units/unit.model';
import { unitNamesById } from '../units/unit.service';
import type { ReportKind } from './report.model';

// A report's figures, computed once by the report job. Every figure about units is the shared
// per-unit figures (src/oversight/unit-figures.ts: the month snapshots of the unit metrics added
// up; a report's period is always whole months: a month, a quarter or a year); volumes by
// channel, category and series count the cases submitted in the period. Nothing here reads who
// filed a case.

export interface ReportPeriod extends Period {
  kind: ReportKind;
  label: string;
}

/** The period a report covers: a month (2026-03), a quarter (2026-Q1) or a year (2026), county dates. */
export function reportPeriod(kind: ReportKind, year: number, part?: number): ReportPeriod {
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (m: number) => new Date(Date.UTC(year, m, 0)).getUTCDate();
  if (kind === 'month') return { kind, label: `${year}-${pad(part!)}`, from: `${year}-${pad(part!)}-01`, to: `${year}-${pad(part!)}-${pad(lastDay(part!))}` };
  if (kind === 'quarter') {
    const first = (part! - 1) * 3 + 1;
    return { kind, label: `${year}-Q${part}`, from: `${year}-${pad(first)}-01`, to: `${year}-${pad(first + 2)}-${pad(lastDay(first + 2))}` };
  }
  return { kind, label: String(year), from: `${year}-01-01`, to: `${year}-12-31` };
}

/** A unit's row: the shared per-unit figures (src/oversight/unit-figures.ts). */
export type UnitRow = UnitFigures;

export interface ReportFigures {
  period: ReportPeriod;
  generatedAt: string;
  totals: {
    submitted: number;
    received: number;
    resolved: number;
    resolvedOnTime: number;
    overdueDueInPeriod: number;
    overdueNow: number;
    escalations: { level1: number; level2: number; level3: number };
    extensionsApproved: number;
    returnedReports: number;
  };
  byChannel: { channel: string; cases: number }[];
  byCategory: { code: string; nameZh: string; nameEn: string; cases: number }[];
  bySeries: { series: string; cases: number; received: number }[];
  units: UnitRow[];
  campaigns: { title: string; startDate: string; endDate: string; distributed: number; returned: number; returnRate: number | null; opinions: number; resolved: number }[];
  evaluations: { year: number; rows: { series: string; unitCode: string; nameZh: string; nameEn: string; rank: number; total: number; outcome: string | null; sanction: string | null }[] }[];
}

export type Progress = (percent: number) => Promise<void>;

const UNASSIGNED = 'unassigned';

/** Cases submitted in the period by channel, category and their unit's series: one read of those cases. */
async function volumes(ctx: Pick<Context, 'config'>, p: Period, seriesOf: Map<string, string>, progress: Progress) {
  const { from, to } = instants(p, ctx.config.TZ_COUNTY);
  const byChannel = new Map<string, number>(CHANNELS.map((c) => [c, 0]));
  const byCategory = new Map<string, number>();
  const bySeries = new Map<string, number>([...SERIES, UNASSIGNED].map((s) => [s, 0]));
  const total = Math.max(1, await Case.estimatedDocumentCount());
  let seen = 0;
  let submitted = 0;
  const cursor = Case.find({ submittedAt: { $gte: from, $lte: to } }, { channel: 1, categoryCode: 1, assignedUnitId: 1, unitHistory: 1 }).lean().cursor({ batchSize: 2000 });
  for await (const c of cursor) {
    submitted++;
    byChannel.set(c.channel, (byChannel.get(c.channel) ?? 0) + 1);
    byCategory.set(c.categoryCode, (byCategory.get(c.categoryCode) ?? 0) + 1);
    const unit = c.assignedUnitId ?? c.unitHistory?.at(-1);
    const s = (unit && seriesOf.get(String(unit))) || UNASSIGNED;
    bySeries.set(s, (bySeries.get(s) ?? 0) + 1);
    if (++seen % 2000 === 0) await progress(Math.min(40, 5 + Math.round((35 * seen) / total)));
  }
  return { submitted, byChannel, byCategory, bySeries };
}

/** Campaigns running at any time in the period, with their letter and opinion figures (no supervisor names). */
async function campaigns(p: Period): Promise<ReportFigures['campaigns']> {
  const rows = await Campaign.find({ startDate: { $lte: p.to }, endDate: { $gte: p.from } }, { title: 1, startDate: 1, endDate: 1 }).sort({ startDate: 1 }).lean();
  const out: ReportFigures['campaigns'] = [];
  for (const c of rows) {
    const s = await campaignStats(String(c._id));
    out.push({ title: c.title, startDate: c.startDate, endDate: c.endDate, distributed: s.distributed, returned: s.returned, returnRate: s.returnRate, opinions: s.opinions, resolved: s.resolved });
  }
  return out;
}

/** Published evaluations of every whole year the period covers: each unit's rank, outcome and sanction. */
async function evaluations(p: Period): Promise<ReportFigures['evaluations']> {
  const fromYear = Number(p.from.slice(0, 4));
  const toYear = Number(p.to.slice(0, 4));
  const rows = await Evaluation.find({ state: 'published', year: { $gte: fromYear, $lte: toYear } }, { year: 1, series: 1, results: 1 }).sort({ year: 1 }).lean();
  return rows
    .filter((e) => p.from <= `${e.year}-01-01` && `${e.year}-12-31` <= p.to)
    .map((e) => {
      const names = new Map(e.series.flatMap((s) => s.units.map((u) => [String(u.unitId), u])));
      return {
        year: e.year,
        rows: e.results.flatMap((s) =>
          s.ranking.map((r) => {
            const u = names.get(String(r.unitId));
            return { series: s.code ?? '', unitCode: r.unitCode ?? u?.code ?? '', nameZh: u?.nameZh ?? '', nameEn: u?.nameEn ?? '', rank: r.rank ?? 0, total: r.total ?? 0, outcome: r.outcome ?? null, sanction: r.sanction ?? null };
          }),
        ),
      };
    });
}

/** Every figure of the report, reporting progress (0-100) as it goes. */
export async function computeReport(ctx: Pick<Context, 'clock' | 'config' | 'logger'>, period: ReportPeriod, progress: Progress): Promise<ReportFigures> {
  const names = await unitNamesById();
  const seriesOf = new Map([...names].map(([id, u]) => [id, u.series]));
  await progress(5);
  const v = await volumes(ctx, period, seriesOf, progress);
  await progress(40);
  // A report is a document: its figures are computed fresh (stale months first).
  const rows = await unitFiguresOver(ctx, period, [...names].map(([id, u]) => ({ id, ...u })), { refresh: true });
  await progress(80);
  const units = rows.sort((a, b) => a.series.localeCompare(b.series) || a.code.localeCompare(b.code));
  const t = totalOf(units);
  const categories = await Promise.all([...v.byCategory].map(async ([code, cases]) => ({ code, cases, c: await findCategory(code) })));
  const figures: ReportFigures = {
    period,
    generatedAt: ctx.clock.now().toISOString(),
    totals: {
      submitted: v.submitted,
      received: t.received,
      resolved: t.resolved,
      resolvedOnTime: t.resolvedOnTime,
      overdueDueInPeriod: t.overdueDueInPeriod,
      overdueNow: t.overdueNow,
      escalations: t.escalations,
      extensionsApproved: t.extensionsApproved,
      returnedReports: t.returnedReports,
    },
    byChannel: [...v.byChannel].map(([channel, cases]) => ({ channel, cases })),
    byCategory: categories.map(({ code, cases, c }) => ({ code, nameZh: c?.nameZh ?? code, nameEn: c?.nameEn ?? code, cases })).sort((a, b) => b.cases - a.cases || a.code.localeCompare(b.code)),
    bySeries: [...v.bySeries].map(([series, cases]) => ({ series, cases, received: series === UNASSIGNED ? 0 : totalOf(units.filter((u) => u.series === series)).received })),
    units,
    campaigns: await campaigns(period),
    evaluations: await evaluations(period),
  };
  await progress(90);
  return figures;
}
