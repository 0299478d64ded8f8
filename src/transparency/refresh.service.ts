import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { listActiveCategories } from '../cases/category.service';
import { countyDate } from '../clock';
import { listPublishedEvaluations } from '../evaluation/evaluation.service';
import { MONTH_FIELDS, monthCounter, monthsToCompute, type MonthCounter } from '../oversight/month-metrics.service';
import { monthOf, monthsOf } from '../oversight/periods';
import { unitFiguresOver } from '../oversight/unit-figures';
import { yearToDate } from '../rectification/metrics.service';
import { listActiveUnits } from '../units/unit.service';
import { clearChanges, pendingChanges } from './changes';
import { openDataCsv, openDataJson, type OpenDataRow } from './open-data';
import { countyDates, recentEntryOf, RECENT_CASES, RECENT_KEPT, ROW_FIELDS, rowOf, totalsByYear, trimRecent, yearOfRow, type Names, type RecentEntry, type ScannedCase, type YearTotals } from './rows';
import { TransparencySnapshot } from './snapshot.model';
import { bucket, forgetSnapshot, publishedNotices, readFile, recentCases, seriesFigures, type PublicFigures, type RecentCase, type SnapshotFile } from './transparency.service';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

/**
 * A full build at least this often (real time), whatever the change notes say: a case written
 * around the lifecycle (a restore, a data fix) leaves no note, and this bounds how long its row
 * can be missed.
 */
const FULL_EVERY_MS = 24 * 3600 * 1000;
/** How long a file no snapshot points at is kept (uploadDate is the real time of the upload). */
const FILE_GRACE_MS = 10 * 60 * 1000;
const CURSOR_NOT_FOUND = 43;

/** What a refresh keeps for the next one, so that one can patch instead of reading every case. */
export interface RefreshState {
  /** When the last full build ran (real time). */
  fullAt: Date;
  /** The names the rows were built with (units, categories, time zone): another set means a full build. */
  names: string;
  totals: Record<string, YearTotals>;
  recent: RecentEntry[];
  /** The recent cases as last shown, masked, by case id: a refresh masks again only the cases changed since. */
  shown?: { id: string; item: RecentCase }[];
}

interface Built {
  /** Every row, when they were (re)built; the years whose files must be written again. */
  rows: OpenDataRow[] | null;
  years: Set<number>;
  totals: Record<string, YearTotals>;
  recent: RecentEntry[];
}

/**
 * The recent cases to show, masked. A case shown last time and not changed since keeps its masked
 * texts; only the others are read and masked (the filers' look-up behind the masking reads the
 * whole filer collection on FerretDB, so a refresh with nothing new to mask skips it). A full
 * build (`previous` null: daily, or the names changed) masks every one again.
 */
async function shownRecent(entries: readonly RecentEntry[], previous: { state: RefreshState; changed: Set<string> } | null, names: Names, dateOf: (at: Date) => string): Promise<{ id: string; item: RecentCase }[]> {
  const kept = new Map((previous?.state.shown ?? []).filter((s) => !previous!.changed.has(s.id)).map((s) => [s.id, s]));
  const fresh = new Map((await recentCases(entries.filter((e) => !kept.has(String(e.id))), names, dateOf)).map((s) => [s.id, s]));
  return entries.map((e) => kept.get(String(e.id)) ?? fresh.get(String(e.id))).filter((s): s is { id: string; item: RecentCase } => !!s);
}

function namesKey(names: Names, tz: string): string {
  const units = [...names.units].sort(([a], [b]) => (a < b ? -1 : 1));
  const categories = [...names.categories].sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify([tz, units, categories])).digest('base64url');
}

/**
 * The full build: ONE pass over every case for the rows, the totals and the recent list, which
 * also counts the months of the unit figures that need it (monthCounter), so they cost no pass
 * of their own.
 */
async function fullBuild(ctx: Ctx, names: Names, months: readonly string[]): Promise<Built> {
  const dateOf = countyDates(ctx.config.TZ_COUNTY);
  // The months read the whole satisfaction (not only its rating): one path, or the server refuses the projection.
  const fields = months.length ? { ...MONTH_FIELDS, ...ROW_FIELDS, 'satisfaction.rating': undefined, satisfaction: 1 } : ROW_FIELDS;
  const projection = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  for (let attempt = 1; ; attempt++) {
    const rows: OpenDataRow[] = [];
    const recent: RecentEntry[] = [];
    const counter: MonthCounter | null = months.length ? monthCounter(ctx, months) : null;
    try {
      const cursor = Case.find({}, projection).lean<ScannedCase[]>().cursor({ batchSize: 2000 });
      for await (const raw of cursor) {
        const c = raw as unknown as ScannedCase;
        counter?.add(c);
        const row = rowOf(c, names, dateOf);
        if (!row) continue;
        rows.push(row);
        const entry = recentEntryOf(c);
        if (entry) {
          recent.push(entry);
          if (recent.length > RECENT_KEPT * 2) trimRecent(recent);
        }
      }
    } catch (err) {
      // FerretDB drops a long scan's cursor with the connection that opened it: start again.
      if ((err as { code?: number }).code !== CURSOR_NOT_FOUND || attempt >= 3) throw err;
      continue;
    }
    await counter?.save();
    trimRecent(recent);
    return { rows, years: new Set(rows.map(yearOfRow)), totals: totalsByYear(rows), recent };
  }
}

/**
 * The patch: the previous 'all' file's rows with the changed cases' rows replaced (each case
 * read by `_id`); only the changed cases' years are written again. Null when the recent list
 * cannot be patched (it lost listed cases and the next ones down are unknown): then a full build.
 */
async function patch(ctx: Ctx, names: Names, previous: { files: SnapshotFile[]; state: RefreshState }, changed: readonly Types.ObjectId[]): Promise<Built | null> {
  const dateOf = countyDates(ctx.config.TZ_COUNTY);
  const allJson = previous.files.find((f) => f.key === 'all' && f.format === 'json');
  if (!allJson) return null;
  const byNumber = new Map<string, OpenDataRow>((JSON.parse((await readFile(allJson.fileId)).toString('utf8')) as { cases: OpenDataRow[] }).cases.map((r) => [r.case_number, r]));
  const ids = new Set(changed.map(String));
  const recent = previous.state.recent.filter((r) => !ids.has(String(r.id)));
  const years = new Set<number>();
  for (const id of changed) {
    const c = await Case.findById(id, ROW_FIELDS).lean<ScannedCase>();
    if (!c) continue;
    const old = byNumber.get(c.number);
    if (old) years.add(yearOfRow(old));
    byNumber.delete(c.number);
    const row = rowOf(c, names, dateOf);
    if (row) {
      byNumber.set(row.case_number, row);
      years.add(yearOfRow(row));
    }
    const entry = recentEntryOf(c);
    if (entry) recent.push(entry);
  }
  // Fewer than a page left out of a full list: cases below the list may now belong on the page.
  if (recent.length < RECENT_CASES && previous.state.recent.length >= RECENT_KEPT) return null;
  trimRecent(recent);
  const rows = [...byNumber.values()].sort((a, b) => (a.case_number < b.case_number ? -1 : a.case_number > b.case_number ? 1 : 0));
  return { rows, years, totals: totalsByYear(rows), recent };
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

/** The files: 'all' and each rebuilt year written anew (csv and json); an untouched year keeps its files (and ETag). */
async function writeFiles(built: Built, previous: SnapshotFile[], version: number, now: Date): Promise<{ years: number[]; files: SnapshotFile[]; written: number }> {
  if (!built.rows) return { years: [...new Set(previous.filter((f) => f.key !== 'all').map((f) => Number(f.key)))].sort((a, b) => b - a), files: previous, written: 0 };
  const byYear = new Map<number, OpenDataRow[]>();
  for (const r of built.rows) {
    const y = yearOfRow(r);
    const list = byYear.get(y) ?? [];
    list.push(r);
    byYear.set(y, list);
  }
  const years = [...byYear.keys()].sort((a, b) => b - a);
  const sets: { key: string; year: number | null; rows: OpenDataRow[] }[] = [{ key: 'all', year: null, rows: built.rows }, ...years.filter((y) => built.years.has(y)).map((y) => ({ key: String(y), year: y, rows: byYear.get(y)! }))];
  const files: SnapshotFile[] = previous.filter((f) => f.key !== 'all' && byYear.has(Number(f.key)) && !built.years.has(Number(f.key)));
  for (const set of sets) {
    for (const format of ['csv', 'json'] as const) {
      const content = format === 'csv' ? openDataCsv(set.rows) : openDataJson(set.rows, { year: set.year, generatedAt: now });
      const stored = await upload(`cases-${set.key}.${format}`, content, { version, key: set.key, format });
      files.push({ key: set.key, format, rows: set.rows.length, generatedAt: now, ...stored });
    }
  }
  return { years, files, written: sets.length * 2 };
}

export interface RefreshResult {
  version: number;
  durationMs: number;
  /** Rows in the open data (every case but split ones). */
  cases: number;
  /** Files in the snapshot, and how many of them this refresh wrote. */
  files: number;
  filesWritten: number;
  /** 'full': one pass over every case; 'patch': the changed cases by `_id`; 'none': nothing changed. */
  mode: 'full' | 'patch' | 'none';
  changed: number;
  /** False when a newer refresh had already written its snapshot (this one's files are dropped). */
  written: boolean;
  /** Where the time went (ms): the cases (pass or patch), the unit figures, the recent cases, the files. */
  phases: { scan: number; metrics: number; recent: number; files: number };
}

/**
 * Builds the public figures and the open-data files. The unit figures are the shared per-unit
 * figures over the year's months so far (src/oversight/unit-figures.ts). The rows come from one
 * pass over every case on the first refresh (and daily, or when names changed); otherwise from
 * the previous files patched with the cases changed since (changes.ts), rewriting only their
 * years' files and the whole set. Stores the figures in the snapshot document, then removes files
 * no snapshot points at any more (keeping the previous snapshot's, which a web process may still read).
 */
export async function refreshSnapshot(ctx: Ctx, opts: { full?: boolean } = {}): Promise<RefreshResult> {
  const t0 = Date.now();
  // The version orders refreshes by when they started, in real time (the app's clock may be set).
  const version = t0;
  const now = ctx.clock.now();
  const period = yearToDate(ctx);
  const year = Number(period.from.slice(0, 4));
  const [units, categories, evaluations, notices] = await Promise.all([listActiveUnits(), listActiveCategories(), listPublishedEvaluations(), publishedNotices()]);
  const names: Names = {
    units: new Map(units.map((u) => [u.id, { code: u.code, zh: u.nameZh, en: u.nameEn, series: u.series }])),
    categories: new Map(categories.map((c) => [c.code, { zh: c.nameZh, en: c.nameEn }])),
  };
  const key = namesKey(names, ctx.config.TZ_COUNTY);

  // The changes first, then the snapshot they apply to: a refresh finishing meanwhile removes its
  // changes only after writing its snapshot, so this one then starts from that snapshot.
  const changes = await pendingChanges();
  const previous = await TransparencySnapshot.findById('current', { files: 1, state: 1 }).lean<{ files: SnapshotFile[]; state?: RefreshState }>();
  // A snapshot written before `minimize: false` lost its empty totals and lists: read them as empty.
  const state = previous?.state ? { ...previous.state, totals: previous.state.totals ?? {}, recent: previous.state.recent ?? [] } : undefined;
  const months = monthsOf(period);
  const current = monthOf(countyDate(now, ctx.config.TZ_COUNTY));

  let mark = Date.now();
  const lap = () => -mark + (mark = Date.now());
  let mode: RefreshResult['mode'] = 'none';
  let built: Built | null = null;
  const canPatch = !opts.full && previous && state && state.names === key && Date.now() - new Date(state.fullAt).getTime() < FULL_EVERY_MS;
  if (canPatch && changes.length) {
    built = await patch(ctx, names, { files: previous.files, state }, changes.map((c) => c._id));
    mode = 'patch';
  } else if (canPatch) built = { rows: null, years: new Set(), totals: state.totals, recent: state.recent };
  if (!built) {
    // The months the figures would compute in a pass of their own are counted in this one.
    built = await fullBuild(ctx, names, await monthsToCompute(ctx, months.includes(current) ? months : [...months, current], { refresh: true }));
    mode = 'full';
  }
  const phases = { scan: lap(), metrics: 0, recent: 0, files: 0 };
  // Published figures: stale months computed first (a full build has just computed them).
  const unitFigures = await unitFiguresOver(ctx, period, units, { refresh: mode !== 'full' });
  phases.metrics = lap();
  const shown = await shownRecent(built.recent.slice(0, RECENT_CASES), mode === 'full' ? null : { state: state!, changed: new Set(changes.map((c) => String(c._id))) }, names, countyDates(ctx.config.TZ_COUNTY));
  const recent = shown.map((s) => s.item);
  phases.recent = lap();
  const page: PublicFigures = {
    year,
    period,
    totals: built.totals[String(year)] ?? { filed: 0, open: 0, resolved: 0, rejected: 0 },
    series: [...new Set(units.map((u) => u.series))].map((code) => seriesFigures(code, unitFigures.filter((u) => u.series === code))),
    units: unitFigures,
    recent,
    notices,
    evaluations: evaluations.map((e) => ({ id: String(e._id), year: e.year, name: e.name, publishedAt: e.publishedAt ?? null })),
  };
  const { years, files, written: filesWritten } = await writeFiles(built, previous?.files ?? [], version, now);
  phases.files = lap();

  const durationMs = Date.now() - t0;
  const nextState: RefreshState = { fullAt: mode === 'full' ? new Date() : state!.fullAt, names: key, totals: built.totals, recent: built.recent, shown };
  const doc = { version, generatedAt: now, durationMs, page, years, files, state: nextState };
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
  if (written) {
    // This process serves the new figures at once (others within the snapshot's few seconds in memory).
    forgetSnapshot();
    await clearChanges(changes);
  }
  await dropUnusedFiles(ctx, version, written);
  const cases = files.filter((f) => f.key === 'all')[0]?.rows ?? 0;
  ctx.logger.info({ version, durationMs, phases, mode, changed: changes.length, cases, files: files.length, filesWritten, written }, 'transparency.refreshed');
  return { version, durationMs, cases, files: files.length, filesWritten, mode, changed: changes.length, written, phases };
}

/**
 * Files the current snapshot does not point at go once they are older than FILE_GRACE_MS (a web
 * process may still hold an older snapshot for a few seconds); this refresh's own files at once
 * when a newer refresh won.
 */
async function dropUnusedFiles(ctx: Ctx, version: number, written: boolean): Promise<void> {
  const current = await TransparencySnapshot.findById('current', { files: 1 }).lean();
  const inUse = new Set((current?.files ?? []).map((f) => String(f.fileId)));
  const candidates = await bucket()
    .find({ $or: [{ uploadDate: { $lt: new Date(Date.now() - FILE_GRACE_MS) } }, ...(written ? [] : [{ 'metadata.version': version }])] }, { projection: { _id: 1 } })
    .toArray();
  for (const f of candidates.filter((c) => !inUse.has(String(c._id)))) {
    await bucket()
      .delete(f._id)
      .catch((err: unknown) => ctx.logger.warn({ fileId: String(f._id), err: (err as Error).message }, 'transparency.file_delete_failed'));
  }
}
