import type { Types } from 'mongoose';
import { loadCalendar } from '../calendar/calendar.service';
import { addWorkingDays, CalendarGapError } from '../calendar/working-days';
import { Campaign } from '../campaigns/campaign.model';
import { Letter } from '../campaigns/letter.model';
import { returnRate } from '../campaigns/campaign.service';
import { CHANNELS, OPEN_STATES, TRIAGE_STATES } from '../cases/case.states';
import { listActiveCategories } from '../cases/category.service';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { listActiveUnits, type UnitView } from '../units/unit.service';
import { coverOf, dayDoc, monthDoc, NOW_DOC, read, unitsDoc } from './counters';
import { countersById } from './counters.service';
import { monthSnapshots, unitsOver } from './month-metrics.service';
import { bucketsOf, daysOf, monthOf, monthsOf, periodOf, type BucketKind, type DateRange, type PeriodKind } from './periods';
import { rankingsOf, type SeriesRanking } from './ranking.service';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

export interface DashboardQuery {
  period: PeriodKind;
  series?: string;
  bucket?: BucketKind;
}

export interface Figure {
  value: number;
  /** The list behind the number. */
  href: string;
}

export interface IntakeRow {
  key: string;
  cells: Figure[];
  total: Figure;
}

export interface Dashboard {
  today: string;
  range: DateRange;
  query: Required<Pick<DashboardQuery, 'period' | 'bucket'>> & { series: string | null };
  now: { newToday: Figure; untriaged: Figure; open: Figure; dueSoon: Figure; overdue: Figure[]; resolvedThisMonth: Figure };
  buckets: DateRange[];
  intake: { channel: IntakeRow[]; category: IntakeRow[]; unit: IntakeRow[] };
  rates: { months: string[]; computedAt: Date | null; series: SeriesRanking[] };
  campaigns: { id: string; title: string; distributed: number; returned: number; returnRate: number | null; opinions: Figure; resolved: Figure }[];
}

const qs = (params: Record<string, string | undefined | null>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();

/**
 * The commission's picture, from the precomputed figures only (README "Dashboard"): counter
 * documents by `_id` (the present state, today, and the months, weeks and days that add up to each
 * bucket; the units' breakdowns only with a series) and the month snapshots of the unit metrics.
 * Nothing here reads the cases.
 */
export async function dashboard(ctx: Ctx, q: DashboardQuery): Promise<Dashboard> {
  const tz = ctx.config.TZ_COUNTY;
  const today = countyDate(ctx.clock.now(), tz);
  const month = monthOf(today);
  const range = periodOf(q.period, today);
  const bucket = q.bucket ?? (q.period === 'quarter' || q.period === 'year' ? 'month' : 'week');
  const buckets = bucketsOf(range, bucket);
  const bucketDocs = buckets.map((b) => coverOf(b, today));

  const [units, categories, cal] = await Promise.all([listActiveUnits(), listActiveCategories(), loadCalendar()]);
  const inSeries: UnitView[] = q.series ? units.filter((u) => u.series === q.series) : units;
  const months = monthsOf(range);
  const [docs, snaps, campaigns] = await Promise.all([
    countersById([NOW_DOC, dayDoc(today), monthDoc(month), ...bucketDocs.flat(), ...(q.series ? bucketDocs.flat().map(unitsDoc) : [])]),
    monthSnapshots(ctx, months),
    Campaign.find({ year: Number(today.slice(0, 4)) }, { title: 1, distributions: 1 }).sort({ startDate: -1 }).lean(),
  ]);
  const now = docs.get(NOW_DOC)!;
  const series = q.series ?? null;
  const sum = (doc: unknown, paths: (u: UnitView) => string) => inSeries.reduce((n, u) => n + read(doc, paths(u)), 0);
  // County-wide figures read the totals; with a series, the sum over its units (by the unit that has the case now).
  const figure = (doc: unknown, total: string, perUnit: (u: UnitView) => string) => (series ? sum(doc, perUnit) : read(doc, total));

  let horizon = today;
  try {
    horizon = addWorkingDays(today, ctx.config.DUE_SOON_WORKING_DAYS, cal);
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
  }
  const dueDates = daysOf({ from: today, to: horizon });

  const cases = (p: Record<string, string | undefined>) => `/commission/cases?${qs({ ...p, series })}`;
  const board = (p: Record<string, string>) => `/commission/overdue?${qs({ ...p, series })}`;
  const nowFigures: Dashboard['now'] = {
    newToday: { value: figure(docs.get(dayDoc(today)), 'in.n', (u) => `u.${u.id}.n`), href: cases({ from: today, to: today }) },
    untriaged: { value: TRIAGE_STATES.reduce((n, s) => n + read(now, `st.${s}`), 0), href: '/commission/triage' },
    open: { value: series ? sum(now, (u) => `open.${u.id}`) : OPEN_STATES.reduce((n, s) => n + read(now, `st.${s}`), 0), href: cases({ status: 'open' }) },
    dueSoon: { value: dueDates.reduce((n, d) => n + sum(now, (u) => `due.${d}.${u.id}`), 0), href: board({ due: 'soon' }) },
    overdue: [1, 2, 3].map((l) => ({ value: sum(now, (u) => `lvl.${l}.${u.id}`), href: board({ level: String(l) }) })),
    resolvedThisMonth: { value: figure(docs.get(monthDoc(month)), 'res.n', (u) => `res.u.${u.id}`), href: cases({ status: 'resolved', resolvedFrom: `${month}-01`, resolvedTo: today }) },
  };

  // With a series, channel and category are summed over its units' breakdowns (their own documents).
  const bucketSum = (i: number, total: string, perUnit: (u: UnitView) => string) =>
    bucketDocs[i]!.reduce((n, id) => n + (series ? sum(docs.get(unitsDoc(id)), perUnit) : read(docs.get(id), total)), 0);
  const row = (key: string, value: (i: number) => number, filter: Record<string, string>): IntakeRow => {
    const cells = buckets.map((b, i) => ({ value: value(i), href: cases({ ...filter, from: b.from, to: b.to }) }));
    return { key, cells, total: { value: cells.reduce((n, c) => n + c.value, 0), href: cases({ ...filter, from: range.from, to: range.to }) } };
  };
  const categoryCodes = [...new Set([...categories.map((c) => c.code)])];
  const intake = {
    channel: CHANNELS.map((ch) => row(ch, (i) => bucketSum(i, `in.ch.${ch}`, (u) => `${u.id}.ch.${ch}`), { channel: ch })),
    category: categoryCodes.map((cat) => row(cat, (i) => bucketSum(i, `in.cat.${cat}`, (u) => `${u.id}.cat.${cat}`), { category: cat })),
    unit: inSeries.map((u) =>
      row(u.id, (i) => bucketDocs[i]!.reduce((n, id) => n + read(docs.get(id), `u.${u.id}.n`), 0), { unit: u.id }),
    ),
  };

  const metrics = unitsOver(snaps.values(), units.map((u) => u.id));
  const computed = [...snaps.values()].map((s) => s.computedAt).filter(Boolean);
  const rates = {
    months,
    computedAt: computed.length ? new Date(Math.min(...computed.map((d) => new Date(d).getTime()))) : null,
    series: rankingsOf(units, metrics, ctx.config.RANKING_MIN_CASES).filter((s) => !series || s.code === series),
  };

  const returned = await Letter.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { campaignId: { $in: campaigns.map((c) => c._id) } } }, { $group: { _id: '$campaignId', n: { $sum: 1 } } }]);
  const returnedBy = new Map(returned.map((g) => [String(g._id), g.n]));
  const campaignFigures = campaigns.map((c) => {
    const id = String(c._id);
    const distributed = c.distributions.reduce((n, d) => n + d.letters, 0);
    const back = returnedBy.get(id) ?? 0;
    return {
      id,
      title: c.title,
      distributed,
      returned: back,
      returnRate: returnRate(back, distributed),
      opinions: { value: read(now, `camp.${id}.op`), href: `/commission/cases?${qs({ campaign: id })}` },
      resolved: { value: read(now, `camp.${id}.res`), href: `/commission/cases?${qs({ campaign: id, status: 'resolved' })}` },
    };
  });

  return { today, range, query: { period: q.period, bucket, series }, now: nowFigures, buckets, intake, rates, campaigns: campaignFigures };
}
