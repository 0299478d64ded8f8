import mongoose, { type Types } from 'mongoose';
import type { Context } from '../context';
import { findCase } from '../cases/case.service';
import { recordEvent } from '../cases/case.lifecycle';
import { CASE_STATES } from '../cases/case.states';
import type { Actor } from '../cases/case.timeline';
import { filerTermsForMasking } from '../cases/identity.service';
import { totalOf, type FiguresTotal, type UnitFigures } from '../oversight/unit-figures';
import { NotFoundError } from '../platform/http/errors';
import { maskPersonalData } from './mask';
import { openDataCsv, openDataJson } from './open-data';
import { Case } from '../cases/case.model';
import { ROW_FIELDS, rowOf, type Names, type RecentEntry, type ScannedCase, type YearTotals } from './rows';
import { OPEN_DATA_BUCKET, TransparencySnapshot } from './snapshot.model';

type Ctx = Pick<Context, 'clock' | 'config' | 'logger'>;

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

/** The published notices the page lists (the refresh reads them). */
export const publishedNotices = (): Promise<PublicNotice[]> => noticesSource(NOTICES);

/**
 * Plugs in where published notices come from; the composition root (src/registry.ts) calls it
 * once the notices feature exists: `usePublishedNotices(publishedBulletins)`. Until then the page
 * lists none. Read by the refresh job, so a newly published notice shows after the next refresh.
 */
export function usePublishedNotices(source: PublishedNoticesSource): void {
  noticesSource = source;
}

// ── What the page shows ──

/** A unit's row on the page: the shared per-unit figures (src/oversight/unit-figures.ts). */
export type { UnitFigures };
export type SeriesFigures = FiguresTotal & { code: string; units: number };
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
  totals: YearTotals;
  series: SeriesFigures[];
  units: UnitFigures[];
  recent: RecentCase[];
  notices: PublicNotice[];
  evaluations: { id: string; year: number; name: string; publishedAt: Date | null }[];
}

/** A series' figures: the sums of its units' counts, each rate the sum of numerators over the sum of denominators. */
export function seriesFigures(code: string, units: readonly UnitFigures[]): SeriesFigures {
  return { code, units: units.length, ...totalOf(units) };
}

/** The recent cases as the page shows them: the reply always, the description only when publishable; both masked. */
/** The recent cases as shown, each with its case id (kept in the refresh state, never shown). */
export async function recentCases(entries: readonly RecentEntry[], names: Names, dateOf: (at: Date) => string): Promise<{ id: string; item: RecentCase }[]> {
  // The filer's own name, phone and email are masked too, wherever the text repeats them.
  const terms = await filerTermsForMasking(entries.map((e) => e.id));
  const out: { id: string; item: RecentCase }[] = [];
  for (const { id } of entries) {
    // By _id, one at a time: the only fast read on this server (a find with $in scans).
    const c = await Case.findById(id, { ...ROW_FIELDS, description: 1, publicReply: 1, publishable: 1 }).lean<ScannedCase & { description?: string; publicReply?: { text?: string | null } | null; publishable?: boolean }>();
    const row = c && rowOf(c, names, dateOf);
    if (!c || !row) continue;
    const mask = (text: string | null | undefined) => (text ? maskPersonalData(text, terms.get(String(id)) ?? []) : null);
    const unit = c.assignedUnitId ? names.units.get(String(c.assignedUnitId)) : undefined;
    out.push({
      id: String(id),
      item: {
      number: row.case_number,
      category: names.categories.get(row.category_code) ?? { zh: row.category_code, en: row.category_code },
      unit: unit ? { zh: unit.zh, en: unit.en } : null,
      submittedDate: row.submitted_date,
      resolvedDate: row.resolved_date,
      onTime: row.on_time,
      reply: mask(c.publicReply?.text),
      description: c.publishable ? mask(c.description) : null,
      },
    });
  }
  return out;
}

export function bucket() {
  return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: OPEN_DATA_BUCKET });
}

// ── Reading (the web) ──

/** A stored open-data file; `generatedAt` is when this file was written (a year no case changed in keeps its file). */
export interface SnapshotFile {
  key: string;
  format: 'csv' | 'json';
  fileId: Types.ObjectId;
  etag: string;
  rows: number;
  bytes: number;
  generatedAt?: Date;
}

export interface SnapshotView {
  version: number;
  generatedAt: Date;
  durationMs: number;
  /** Null for a snapshot written before the shared unit figures (no `state`): its files still serve, the page waits for the next refresh. */
  page: PublicFigures | null;
  years: number[];
  files: SnapshotFile[];
}

// The snapshot as last read, kept a few seconds per process: the page and the downloads then cost
// no database read at all under load (the figures change only every refresh, minutes apart). A
// missing snapshot is not kept, so the page leaves its "being prepared" state at once.
const SNAPSHOT_TTL_MS = 5000;
let memo: { at: number; snap: Promise<SnapshotView | null> } | null = null;

/** The refresh wrote a new snapshot: this process reads it at once (others within SNAPSHOT_TTL_MS). */
export function forgetSnapshot(): void {
  memo = null;
}

const readSnapshot = async (): Promise<SnapshotView | null> => {
  const snap = await TransparencySnapshot.findById('current').lean<SnapshotView & { state?: unknown }>();
  return snap && { ...snap, page: snap.state ? snap.page : null };
};

/** The current snapshot, or null while the first refresh has not finished. One `_id` read at most every few seconds. */
export async function currentSnapshot(): Promise<SnapshotView | null> {
  if (memo && Date.now() - memo.at < SNAPSHOT_TTL_MS) return memo.snap;
  const entry = { at: Date.now(), snap: readSnapshot() };
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

export async function readFile(fileId: Types.ObjectId): Promise<Buffer> {
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
      return { etag: file.etag, generatedAt: file.generatedAt ?? snap.generatedAt, body: await fileBody(file.fileId) };
    } catch (err) {
      // The snapshot kept in memory was replaced twice meanwhile and its file is gone: read the new one.
      if (retried || !isFileMissing(err)) throw err;
      memo = null;
      const again = await openDataFile(year, format, true);
      if (again.state !== 'ready') throw err;
      return again.load();
    }
  };
  return { state: 'ready', etag: file.etag, generatedAt: file.generatedAt ?? snap.generatedAt, rows: file.rows, load };
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
