import { Types } from 'mongoose';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { requestMail } from '../platform/mail/outbox';
import { createNumbered } from '../platform/numbering';
import { SERIES } from '../units/unit.model';
import { listActiveUnits, type UnitView } from '../units/unit.service';
import { monthSnapshots, unitsOver } from './month-metrics.service';
import { addMonths, monthOf } from './periods';
import { rankSeries, type RankRow } from './ranking';
import { RankingNotice } from './oversight.models';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

export interface SeriesRanking {
  code: string;
  ranking: RankRow[];
}

/** Every series' ranking over the given months' snapshots. */
export function rankingsOf(units: readonly UnitView[], metrics: ReturnType<typeof unitsOver>, minCases: number): SeriesRanking[] {
  return SERIES.map((code) => ({
    code,
    ranking: rankSeries(
      units
        .filter((u) => u.series === code)
        .map((u) => {
          const m = metrics.get(u.id)!;
          return { unitId: u.id, unitCode: u.code, cases: m.received, responseRate: m.rates.onTimeSigning.value, resolutionRate: m.rates.onTimeResolution.value, satisfactionRate: m.rates.satisfaction.value };
        }),
      minCases,
    ),
  }));
}

/** The month's ranking as it stands (from the month's snapshot; computed first if missing). */
export async function monthlyRanking(ctx: Ctx, month: string, opts: { refresh?: boolean } = { refresh: true }): Promise<{ month: string; computedAt: Date; frozen: boolean; series: SeriesRanking[] }> {
  const [units, snaps] = await Promise.all([listActiveUnits(), monthSnapshots(ctx, [month], opts)]);
  const snap = snaps.get(month)!;
  return { month, computedAt: snap.computedAt, frozen: snap.frozen, series: rankingsOf(units, unitsOver([snap], units.map((u) => u.id)), ctx.config.RANKING_MIN_CASES) };
}

/** The API's shape, exactly: no composite, no names. */
export function apiShape(series: readonly SeriesRanking[]) {
  return {
    series: series.map((s) => ({
      code: s.code,
      ranking: s.ranking.map((r) => ({ unitId: r.unitId, unitCode: r.unitCode, rank: r.rank, cases: r.cases, responseRate: r.responseRate, resolutionRate: r.resolutionRate, satisfactionRate: r.satisfactionRate, tooFewCases: r.tooFewCases })),
    })),
  };
}

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'ranking-published': { noticeId: string };
  }
}

/**
 * Publishes a past month's ranking to the units: recomputes the month, freezes the ranking in a
 * notice numbered in its own yearly series (one per month: a second click finds the first), and
 * owes one mail per active unit (keyed by month and unit: mailed once however often it is asked).
 */
export async function publishRanking(ctx: Ctx & Pick<Context, 'queues'>, month: string, userId: Types.ObjectId | string) {
  const current = monthOf(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
  if (month >= current) throw new ValidationError({ month: 'not_past' });
  // A ranking is news for the units only while recent; an old month (1999-01) would spend the
  // year's numbers and mail every unit for nothing (outside attack).
  if (month < addMonths(current, -12)) throw new ValidationError({ month: 'too_old' });
  let notice = await RankingNotice.findOne({ month }).lean<{ _id: Types.ObjectId }>();
  if (!notice) {
    const ranking = await monthlyRanking(ctx, month, { refresh: true });
    const now = ctx.clock.now();
    const year = Number(countyDate(now, ctx.config.TZ_COUNTY).slice(0, 4));
    const { doc } = await createNumbered(RankingNotice, year, { month }, { month, publishedAt: now, publishedBy: userId, minCases: ctx.config.RANKING_MIN_CASES, series: ranking.series });
    notice = doc;
    ctx.logger.info({ month, noticeId: String(doc._id) }, 'oversight.ranking_published');
  }
  const noticeId = String(notice._id);
  for (const u of await listActiveUnits()) {
    await requestMail(ctx, { key: `ranking:${month}:${u.id}`, kind: 'ranking-published', unitId: new Types.ObjectId(u.id), data: { noticeId } });
  }
  return { id: noticeId };
}

export async function publishedRankings() {
  return RankingNotice.find({}, { year: 1, seq: 1, month: 1, publishedAt: 1 }).sort({ month: -1 }).lean();
}

export async function getRankingNotice(id: string) {
  const n = await RankingNotice.findById(id).lean();
  if (!n) throw new NotFoundError();
  return n as typeof n & { series: SeriesRanking[] };
}

/** Each unit's published rank month by month (the notices hold the rankings as published). */
export async function rankHistory(filter: { series?: string; unitId?: string }): Promise<{ months: string[]; units: { unitId: string; unitCode: string; series: string; ranks: (number | null)[] }[] }> {
  const notices = (await RankingNotice.find({}, { month: 1, series: 1 }).sort({ month: 1 }).lean()) as unknown as { month: string; series: SeriesRanking[] }[];
  const months = notices.map((n) => n.month);
  const units = new Map<string, { unitId: string; unitCode: string; series: string; ranks: (number | null)[] }>();
  notices.forEach((n, i) => {
    for (const s of n.series) {
      if (filter.series && s.code !== filter.series) continue;
      for (const r of s.ranking) {
        if (filter.unitId && r.unitId !== filter.unitId) continue;
        const u = units.get(r.unitId) ?? { unitId: r.unitId, unitCode: r.unitCode, series: s.code, ranks: months.map(() => null) };
        u.ranks[i] = r.rank;
        units.set(r.unitId, u);
      }
    }
  });
  return { months, units: [...units.values()].sort((a, b) => a.unitCode.localeCompare(b.unitCode)) };
}
