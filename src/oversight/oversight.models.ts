import { Schema, model } from 'mongoose';

// The dashboard's precomputed figures. Every collection here is small and read by `_id` only:
// the MongoDB-compatible server here scans a whole collection for any other filter.

/**
 * Counters, nested counts by dimension (see counters.ts), changed by `$inc` only, in three
 * collections: FerretDB on SQLite finds a document by `_id` by reading its collection's rows in
 * turn, so what the dashboard reads on every view (the present, `now`; weeks `w:YYYY-MM-DD`;
 * months `m:YYYY-MM`) is kept apart from the many day documents (`d:YYYY-MM-DD`, read only for a
 * period's partial weeks and today) and from the units' breakdowns (`u` + a period id, read only
 * with a series filter; those of days again apart, for the same reason).
 */
const countSchema = new Schema({ _id: { type: String, required: true } }, { strict: false, versionKey: false });
export const OversightCount = model('OversightCount', countSchema, 'oversight_counts');
export const OversightDayCount = model('OversightDayCount', countSchema.clone(), 'oversight_day_counts');
export const OversightUnitCount = model('OversightUnitCount', countSchema.clone(), 'oversight_unit_counts');
export const OversightUnitDayCount = model('OversightUnitDayCount', countSchema.clone(), 'oversight_unit_day_counts');
export const COUNT_MODELS = [OversightCount, OversightDayCount, OversightUnitCount, OversightUnitDayCount] as const;

/** The collection a counter document lives in, by its id. */
export function countModelOf(id: string): (typeof COUNT_MODELS)[number] {
  if (id.startsWith('ud:')) return OversightUnitDayCount;
  if (id.startsWith('u')) return OversightUnitCount;
  if (id.startsWith('d:')) return OversightDayCount;
  return OversightCount;
}

/** Per case: the mark its counters were last moved to, and the version (timeline length) it was taken at. */
const markSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    v: { type: Number, required: true },
    mark: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false },
);
export const OversightMark = model('OversightMark', markSchema, 'oversight_marks');

/**
 * Each unit's handling counts (the unit metrics' counts, before rates) for one month, computed
 * from the cases' timelines by the snapshot job; frozen once the month is past and its ratings in.
 */
const monthMetricsSchema = new Schema(
  {
    _id: { type: String, required: true }, // 'YYYY-MM'
    computedAt: { type: Date, required: true },
    frozen: { type: Boolean, default: false },
    // A case changed since it was computed (set by the counters' listener).
    stale: { type: Boolean, default: false },
    units: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
export const MonthMetrics = model('MonthMetrics', monthMetricsSchema, 'oversight_month_metrics');

/**
 * A published monthly ranking (三率排名通报): numbered in its own yearly series, one per month,
 * with the ranking exactly as published (it never changes afterwards).
 */
const rankingNoticeSchema = new Schema(
  {
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    month: { type: String, required: true, unique: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: Schema.Types.ObjectId, required: true },
    minCases: { type: Number, required: true },
    series: { type: Schema.Types.Mixed, required: true },
  },
);
rankingNoticeSchema.index({ year: 1, seq: 1 }, { unique: true });
export const RankingNotice = model('RankingNotice', rankingNoticeSchema, 'oversight_ranking_notices');

export function rankingNumber(n: { year: number; seq: number }): string {
  return `〔${n.year}〕排第${n.seq}号`;
}
