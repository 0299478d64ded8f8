import { createHash } from 'node:crypto';
import mongoose, { type Types } from 'mongoose';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { listActiveCategories } from '../cases/category.service';
import { findCase } from '../cases/case.service';
import { recordEvent } from '../cases/case.lifecycle';
import { CASE_STATES, OPEN_STATES, RESOLVED_STATES, type CaseState, type Channel } from '../cases/case.states';
import type { Actor } from '../cases/case.timeline';
import { filerTermsForMasking } from '../cases/identity.service';
import { listPublishedEvaluations } from '../evaluation/evaluation.service';
import { NotFoundError } from '../platform/http/errors';
import { metricsOfUnits, yearToDate } from '../rectification/metrics.service';
import type { Rate } from '../rectification/metrics';
import { listActiveUnits } from '../units/unit.service';
import { maskPersonalData } from './mask';
import { channelGroup, openDataCsv, openDataJson, type OpenDataRow } from './open-data';
import { OPEN_DATA_BUCKET, TransparencySnapshot } from './snapshot.model';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

/** How many resolved cases the page lists, most recently resolved first. */
export const RECENT_CASES = 20;
const NOTICES = 10;

// ── The seam for typical-case notices (src/bulletins, built in parallel) ──

/** A published typical-case notice as the public page lists it (never a filer). */
export interface PublicNotice {
  id: string;
  number: string;
  title: string;
  issuedAt: Date | string;
  /** Where the public reads it. */
  url: string;
}
export type PublishedNoticesSource = (limit: number) => Promise<PublicNotice[]>;

let noticesSource: PublishedNoticesSource = async () => [];

/**
 * Plugs in where published notices come from; the composition root (src/registry.ts) calls it
 * once the notices feature exists: `usePublishedNotices(publishedBulletins)`. Until then the page
 * lists none. Read by the refresh job, so a newly published notice shows after the next refresh.
 */
export function usePublishedNotices(source: PublishedNoticesSource): void {
  noticesSource = source;
}

// ── What the page shows ──

export interface RateView {
  numerator: number;
  denominator: number;
  value: number | null;
}
export interface FigureRates {
  /** Response: on-time signing (the ranking's and the evaluation's "response rate"). */
  response: RateView;
  onTimeResolution: RateView;
  satisfaction: RateView;
}
export interface UnitFigures {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  series: string;
  received: number;
  resolved: number;
  resolvedOnTime: number;
  overdueNow: number;
  rates: FigureRates;
}
export type SeriesFigures = Omit<UnitFigures, 'id' | 'code' | 'nameZh' | 'nameEn' | 'series'> & { code: string; units: number };
export interface RecentCase {
  number: string;
  category: { zh: string; en: string };
  unit: { zh: string; en: string } | null;
  submittedDate: string;
  resolvedDate: string | null;
  onTime: boolean | null;
  /** The unit's reply as published to the filer, personal data masked. */
  reply: string | null;
  /** The filer's text, masked, only when the commission marked the case publishable. */
  description: string | null;
}
export interface PublicFigures {
  year: number;
  period: { from: string; to: string };
  /** Cases filed in the year (county calendar), by where they stand now. */
  totals: { filed: number; open: number; resolved: number; rejected: number };
  series: SeriesFigures[];
  units: UnitFigures[];
  recent: RecentCase[];
  notices: PublicNotice[];
  evaluations: { id: string; year: number; name: string; publishedAt: Date | null }[];
}

const view = (r: Rate): RateView => ({ numerator: r.numerator, denominator: r.denominator, value: r.value });
const sumRate = (rates: RateView[]): RateView => {
  const numerator = rates.reduce((n, r) => n + r.numerator, 0);
  const denominator = rates.reduce((n, r) => n + r.denominator, 0);
  return { numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
};

/** A series' figures: the sums of its units' counts, each rate the sum of numerators over the sum of denominators. */
export function seriesFigures(code: string, units: readonly UnitFigures[]): SeriesFigures {
  const sum = (k: 'received' | 'resolved' | 'resolvedOnTime' | 'overdueNow') => units.reduce((n, u) => n + u[k], 0);
  return {
    code,
    units: units.length,
    received: sum('received'),
    resolved: sum('resolved'),
    resolvedOnTime: sum('resolvedOnTime'),
    overdueNow: sum('overdueNow'),
    rates: {
      response: sumRate(units.map((u) => u.rates.response)),
      onTimeResolution: sumRate(units.map((u) => u.rates.onTimeResolution)),
      satisfaction: sumRate(units.map((u) => u.rates.satisfaction)),
    },
  };
}

// ── The refresh (the job's work) ──

/** A county-date formatter made once: making one per case costs seconds over 100,000 cases. */
function countyDates(tz: string): (at: Date) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at) => f.format(at);
}

interface ScannedCase {
  _id: Types.ObjectId;
  number: string;
  channel: Channel;
  categoryCode: string;
  assignedUnitId?: Types.ObjectId | null;
  status: CaseState;
  submittedAt: Date;
  resolvedAt?: Date | null;
  resolvedOnTime?: boolean | null;
  satisfaction?: { rating?: string | null } | null;
}

interface Scan {
  rows: OpenDataRow[];
  totals: PublicFigures['totals'];
  recent: { id: Types.ObjectId; resolvedAt: Date; row: OpenDataRow }[];
}

const CURSOR_NOT_FOUND = 43;

/** One pass over every case (split cases excluded: their parts are listed): the open-data rows, the year's totals, the most recently resolved. */
async function scanCases(ctx: Ctx, year: number, names: { units: Map<string, { code: string; zh: string; en: string; series: string }>; categories: Map<string, { zh: string; en: string }> }): Promise<Scan> {
  const dateOf = countyDates(ctx.config.TZ_COUNTY);
  for (let attempt = 1; ; attempt++) {
    const scan: Scan = { rows: [], totals: { filed: 0, open: 0, resolved: 0, rejected: 0 }, recent: [] };
    try {
      const cursor = Case.find({ status: { $ne: 'split' } }, { number: 1, channel: 1, categoryCode: 1, assignedUnitId: 1, status: 1, submittedAt: 1, resolvedAt: 1, resolvedOnTime: 1, 'satisfaction.rating': 1 })
        .lean<ScannedCase[]>()
        .cursor({ batchSize: 2000 });
      for await (const raw of cursor) {
        const c = raw as unknown as ScannedCase;
        const unit = c.assignedUnitId ? names.units.get(String(c.assignedUnitId)) : undefined;
        const resolved = RESOLVED_STATES.includes(c.status);
        const row: OpenDataRow = {
          case_number: c.number,
          category_code: c.categoryCode,
          category: names.categories.get(c.categoryCode)?.zh ?? null,
          unit_code: unit?.code ?? null,
          unit: unit?.zh ?? null,
          series: unit?.series ?? null,
          channel_group: channelGroup(c.channel),
          submitted_date: dateOf(c.submittedAt),
          resolved_date: resolved && c.resolvedAt ? dateOf(c.resolvedAt) : null,
          status: c.status,
          on_time: resolved ? (c.resolvedOnTime ?? null) : null,
          satisfaction: c.satisfaction?.rating ?? null,
        };
        scan.rows.push(row);
        if (Number(row.submitted_date.slice(0, 4)) === year) {
          scan.totals.filed++;
          if (OPEN_STATES.includes(c.status)) scan.totals.open++;
          else if (resolved) scan.totals.resolved++;
          else if (c.status === 'rejected') scan.totals.rejected++;
        }
        if (resolved && c.resolvedAt) {
          scan.recent.push({ id: c._id, resolvedAt: c.resolvedAt, row });
          if (scan.recent.length > RECENT_CASES * 4) trimRecent(scan.recent);
        }
      }
      trimRecent(scan.recent);
      return scan;
    } catch (err) {
      // FerretDB drops a long scan's cursor with the connection that opened it: start again.
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
    }
  }
}

function trimRecent(recent: Scan['recent']): void {
  recent.sort((a, b) => b.resolvedAt.getTime() - a.resolvedAt.getTime() || (a.row.case_number < b.row.case_number ? 1 : -1));
  recent.length = Math.min(recent.length, RECENT_CASES);
}

/** The recent cases as the page shows them: the reply always, the description only when publishable; both masked. */
async function recentCases(scan: Scan, names: { units: Map<string, { zh: string; en: string }>; categories: Map<string, { zh: string; en: string }> }): Promise<RecentCase[]> {
  const ids = scan.recent.map((r) => r.id);
  // The filer's own name, phone and email are masked too, wherever the text repeats them.
  const terms = await filerTermsForMasking(ids);
  const out: RecentCase[] = [];
  for (const { id, row } of scan.recent) {
    // By _id, one at a time: the only fast read on this server (a find with $in scans).
    const c = await Case.findById(id, { description: 1, publicReply: 1, publishable: 1, assignedUnitId: 1 }).lean();
    if (!c) continue;
    const mask = (text: string | null | undefined) => (text ? maskPersonalData(text, terms.get(String(id)) ?? []) : null);
    const unit = c.assignedUnitId ? names.units.get(String(c.assignedUnitId)) : undefined;
    out.push({
      number: row.case_number,
      category: names.categories.get(row.category_code) ?? { zh: row.category_code, en: row.category_code },
      unit: unit ? { zh: unit.zh, en: unit.en } : null,
      submittedDate: row.submitted_date,
      resolvedDate: row.resolved_date,
      onTime: row.on_time,
      reply: mask(c.publicReply?.text),
      description: c.publishable ? mask(c.description) : null,
    });
  }
  return out;
}

function bucket() {
  return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: OPEN_DATA_BUCKET });
}

async function upload(name: string, content: string, metadata: Record<string, unknown>): Promise<{ fileId: Types.ObjectId; etag: string; bytes: number }> {
  const body = Buffer.from(content, 'utf8');
  const stream = bucket().openUploadStream(name, { metadata });
  await new Promise<void>((resolve, reject) => {
    stream.once('finish', () => resolve());
    stream.once('error', reject);
    stream.end(body);
  });
  return { fileId: stream.id as Types.ObjectId, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, bytes: body.length };
}

/** How long a file no snapshot points at is kept (uploadDate is the real time of the upload). */
const FILE_GRACE_MS = 10 * 60 * 1000;

export interface RefreshResult {
  version: number;
  durationMs: number;
  cases: number;
  files: number;
  /** False when a newer refresh had already written its snapshot (this one's files are dropped). */
  written: boolean;
  /** Where the time went (ms): the pass over the cases, the unit metrics, the recent cases, the files. */
  phases: { scan: number; metrics: number; recent: number; files: number };
}

/**
 * Builds the public figures and the open-data files from one pass over the cases plus the unit
 * metrics (metricsOfUnits: the same definitions as every other page), stores the files in GridFS
 * and the figures in the snapshot document, then removes files no snapshot points at any more
 * (keeping the previous snapshot's, which a web process may still be reading).
 */
export async function refreshSnapshot(ctx: Ctx): Promise<RefreshResult> {
  const t0 = Date.now();
  // The version orders refreshes by when they started, in real time (the app's clock may be set).
  const version = t0;
  const now = ctx.clock.now();
  const period = yearToDate(ctx);
  const year = Number(period.from.slice(0, 4));

  const [units, categories, evaluations, notices] = await Promise.all([listActiveUnits(), listActiveCategories(), listPublishedEvaluations(), noticesSource(NOTICES)]);
  const unitNames = new Map(units.map((u) => [u.id, { code: u.code, zh: u.nameZh, en: u.nameEn, series: u.series }]));
  const categoryNames = new Map(categories.map((c) => [c.code, { zh: c.nameZh, en: c.nameEn }]));
  const names = { units: unitNames, categories: categoryNames };

  let mark = Date.now();
  const lap = () => -mark + (mark = Date.now());
  const scan = await scanCases(ctx, year, names);
  const phases = { scan: lap(), metrics: 0, recent: 0, files: 0 };
  const metrics = await metricsOfUnits(ctx, units.map((u) => u.id), period);
  phases.metrics = lap();
  const unitFigures: UnitFigures[] = units.map((u) => {
    const m = metrics.get(u.id)!;
    return {
      id: u.id,
      code: u.code,
      nameZh: u.nameZh,
      nameEn: u.nameEn,
      series: u.series,
      received: m.received,
      resolved: m.resolved,
      resolvedOnTime: m.resolvedOnTime,
      overdueNow: m.overdueNow,
      rates: { response: view(m.rates.onTimeSigning), onTimeResolution: view(m.rates.onTimeResolution), satisfaction: view(m.rates.satisfaction) },
    };
  });
  const seriesCodes = [...new Set(units.map((u) => u.series))];
  const recent = await recentCases(scan, names);
  phases.recent = lap();
  const page: PublicFigures = {
    year,
    period,
    totals: scan.totals,
    series: seriesCodes.map((code) => seriesFigures(code, unitFigures.filter((u) => u.series === code))),
    units: unitFigures,
    recent,
    notices,
    evaluations: evaluations.map((e) => ({ id: String(e._id), year: e.year, name: e.name, publishedAt: e.publishedAt ?? null })),
  };

  // The files: every case, and each year's (by submitted date).
  scan.rows.sort((a, b) => (a.case_number < b.case_number ? -1 : a.case_number > b.case_number ? 1 : 0));
  const byYear = new Map<number, OpenDataRow[]>();
  for (const r of scan.rows) {
    const y = Number(r.submitted_date.slice(0, 4));
    const list = byYear.get(y) ?? [];
    list.push(r);
    byYear.set(y, list);
  }
  const years = [...byYear.keys()].sort((a, b) => b - a);
  const sets: { key: string; year: number | null; rows: OpenDataRow[] }[] = [{ key: 'all', year: null, rows: scan.rows }, ...years.map((y) => ({ key: String(y), year: y, rows: byYear.get(y)! }))];
  const files = [];
  for (const set of sets) {
    for (const format of ['csv', 'json'] as const) {
      const content = format === 'csv' ? openDataCsv(set.rows) : openDataJson(set.rows, { year: set.year, generatedAt: now });
      const stored = await upload(`cases-${set.key}.${format}`, content, { version, key: set.key, format });
      files.push({ key: set.key, format, rows: set.rows.length, ...stored });
    }
  }

  phases.files = lap();
  const durationMs = Date.now() - t0;
  const doc = { version, generatedAt: now, durationMs, page, years, files };
  const previous = await TransparencySnapshot.findById('current', { version: 1 }).lean();
  let written = false;
  if (!previous) {
    try {
      await TransparencySnapshot.create({ _id: 'current', ...doc });
      written = true;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  } else {
    // Only over an older snapshot: a slow refresh finishing after a newer one changes nothing.
    written = (await TransparencySnapshot.updateOne({ _id: 'current', version: { $lte: version } }, { $set: doc })).matchedCount === 1;
  }
  // This process serves the new figures at once (others within SNAPSHOT_TTL_MS).
  if (written) memo = null;
  // Files the current snapshot does not point at go once they are older than FILE_GRACE_MS (a web
  // process may still hold an older snapshot for a few seconds); this refresh's own files at once
  // when a newer refresh won.
  const current = await TransparencySnapshot.findById('current', { files: 1 }).lean();
  const inUse = new Set((current?.files ?? []).map((f) => String(f.fileId)));
  const candidates = await bucket()
    .find({ $or: [{ uploadDate: { $lt: new Date(Date.now() - FILE_GRACE_MS) } }, ...(written ? [] : [{ 'metadata.version': version }])] }, { projection: { _id: 1 } })
    .toArray();
  const stale = candidates.filter((f) => !inUse.has(String(f._id)));
  for (const f of stale) await bucket().delete(f._id).catch((err: unknown) => ctx.logger.warn({ fileId: String(f._id), err: (err as Error).message }, 'transparency.file_delete_failed'));
  ctx.logger.info({ version, durationMs, phases, cases: scan.rows.length, files: files.length, written }, 'transparency.refreshed');
  return { version, durationMs, cases: scan.rows.length, files: files.length, written, phases };
}

// ── Reading (the web) ──

export interface SnapshotView {
  version: number;
  generatedAt: Date;
  durationMs: number;
  page: PublicFigures;
  years: number[];
  files: { key: string; format: 'csv' | 'json'; fileId: Types.ObjectId; etag: string; rows: number; bytes: number }[];
}

// The snapshot as last read, kept a few seconds per process: the page and the downloads then cost
// no database read at all under load (the figures change only every refresh, minutes apart). A
// missing snapshot is not kept, so the page leaves its "being prepared" state at once.
const SNAPSHOT_TTL_MS = 5000;
let memo: { at: number; snap: Promise<SnapshotView | null> } | null = null;

/** The current snapshot, or null while the first refresh has not finished. One `_id` read at most every few seconds. */
export async function currentSnapshot(): Promise<SnapshotView | null> {
  if (memo && Date.now() - memo.at < SNAPSHOT_TTL_MS) return memo.snap;
  const entry = { at: Date.now(), snap: TransparencySnapshot.findById('current').lean<SnapshotView>().exec() };
  memo = entry;
  try {
    const snap = await entry.snap;
    if (!snap && memo === entry) memo = null;
    return snap;
  } catch (err) {
    if (memo === entry) memo = null;
    throw err;
  }
}

// The files as last read, by GridFS id (ids are never reused, so an entry is never stale): a
// download is served from memory; a few entries (the whole set and recent years, csv and json).
const FILE_CACHE_ENTRIES = 8;
// Loads in flight are shared: many first requests for a new file read it once.
const fileCache = new Map<string, Promise<Buffer>>();

async function readFile(fileId: Types.ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket().openDownloadStream(fileId)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fileBody(fileId: Types.ObjectId): Promise<Buffer> {
  const key = String(fileId);
  const hit = fileCache.get(key);
  if (hit) return hit;
  const loading = readFile(fileId);
  fileCache.set(key, loading);
  // A failed read is not kept: the next request tries again.
  loading.catch(() => fileCache.get(key) === loading && fileCache.delete(key));
  while (fileCache.size > FILE_CACHE_ENTRIES) fileCache.delete(fileCache.keys().next().value!);
  return loading;
}

export interface OpenDataBody {
  etag: string;
  generatedAt: Date;
  body: Buffer;
}
export type OpenDataAnswer = { state: 'preparing' } | { state: 'ready'; etag: string; generatedAt: Date; rows: number; load: () => Promise<OpenDataBody> };

const isFileMissing = (err: unknown) => /FileNotFound|file not found/i.test(String((err as Error)?.message ?? err));

/** An open-data file: every case (year null) or one year's; a year without cases is an empty file. */
export async function openDataFile(year: number | null, format: 'csv' | 'json', retried = false): Promise<OpenDataAnswer> {
  const snap = await currentSnapshot();
  if (!snap) return { state: 'preparing' };
  const key = year === null ? 'all' : String(year);
  const file = snap.files.find((f) => f.key === key && f.format === format);
  if (!file) {
    const content = format === 'csv' ? openDataCsv([]) : openDataJson([], { year, generatedAt: snap.generatedAt });
    const etag = `"empty-${format}-${key}-${snap.version}"`;
    return { state: 'ready', etag, generatedAt: snap.generatedAt, rows: 0, load: async () => ({ etag, generatedAt: snap.generatedAt, body: Buffer.from(content, 'utf8') }) };
  }
  const load = async (): Promise<OpenDataBody> => {
    try {
      return { etag: file.etag, generatedAt: snap.generatedAt, body: await fileBody(file.fileId) };
    } catch (err) {
      // The snapshot kept in memory was replaced twice meanwhile and its file is gone: read the new one.
      if (retried || !isFileMissing(err)) throw err;
      memo = null;
      const again = await openDataFile(year, format, true);
      if (again.state !== 'ready') throw err;
      return again.load();
    }
  };
  return { state: 'ready', etag: file.etag, generatedAt: snap.generatedAt, rows: file.rows, load };
}

// ── The publishable mark ──

/**
 * Sets or clears the commission's mark that lets the filer's description (masked) appear on the
 * public page. Not a change of state: a timeline event through the lifecycle gate, claimed on the
 * mark as it was read, so two staff clicking at once record it once. Setting what is already set
 * changes nothing.
 */
export async function setPublishable(ctx: Ctx, caseId: string, publishable: boolean, actor: Actor): Promise<boolean> {
  const c = await findCase(caseId);
  if (!c) throw new NotFoundError();
  if (!!c.publishable === publishable) return false;
  await recordEvent(ctx, caseId, publishable ? 'publishable_set' : 'publishable_cleared', actor, CASE_STATES, {
    guard: { publishable: publishable ? { $ne: true } : true },
    set: { publishable },
  });
  return true;
}
