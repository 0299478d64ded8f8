import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import type { Context } from '../context';
import { AppError, NotFoundError, ValidationError } from '../platform/http/errors';
import { isObjectId } from '../platform/http/validate';
import { isDuplicateKey } from '../platform/mongo';
import { findActiveUnit, listActiveUnits, unitNamesById } from '../units/unit.service';
import { PUBLIC_ROLES, Representative, type PublicRole, type RepresentativeKind } from './representative.model';
import {
  IMPORT_COLUMNS,
  importRow,
  firstReason,
  MAX_IMPORT_ROWS,
  REQUIRED_COLUMNS,
  type ImportColumn,
  type ListQuery,
  type RefusalReason,
  type RepresentativeInput,
} from './representatives.schemas';

// The representative registry (双百双评 代表库): the pool from which each year's panel of
// entrepreneurs and public representatives is drawn. Contact details are personal data: they are
// never logged, never put in an error, and only commission staff are shown them. Nobody is ever
// deleted: a representative who was drawn must stay for the draw to remain verifiable, so people
// leave the pool by deactivation.

export interface RepresentativeView {
  id: string;
  kind: RepresentativeKind;
  name: string;
  organization: string | null;
  sector: string | null;
  publicRole: PublicRole | null;
  /** Only for commission staff; null for anyone else (`hasEmail` says whether one is on file). */
  email: string | null;
  phone: string | null;
  hasEmail: boolean;
  hasPhone: boolean;
  unitId: string | null;
  unitCode: string | null;
  active: boolean;
  /** When they were first drawn into a panel; from then on their kind is fixed. */
  drawnAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RepresentativeCounts {
  /** Active entrepreneurs. */
  entrepreneur: number;
  /** Active public representatives, and by role. */
  public: number;
  publicRoles: Record<PublicRole | 'unspecified', number>;
  inactive: number;
}

/** What the draw reads: every active representative, in a stable order. */
export interface EligibleRepresentative {
  id: string;
  kind: RepresentativeKind;
  publicRole: PublicRole | null;
}

export interface ImportReport {
  imported: number;
  /** One entry per refused row, by line (the header is line 1). */
  refused: { line: number; reason: RefusalReason }[];
}

export type ImportFormat = 'csv' | 'xlsx';

type Lean = {
  _id: Types.ObjectId;
  kind: string;
  name: string;
  organization?: string | null;
  sector?: string | null;
  publicRole?: string | null;
  email?: string | null;
  phone?: string | null;
  unitId?: Types.ObjectId | null;
  active?: boolean | null;
  drawnAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

function view(r: Lean, unitCodes: Map<string, string>, contacts: boolean): RepresentativeView {
  const unitId = r.unitId ? String(r.unitId) : null;
  return {
    id: String(r._id),
    kind: r.kind as RepresentativeKind,
    name: r.name,
    organization: r.organization ?? null,
    sector: r.sector ?? null,
    publicRole: (r.publicRole ?? null) as PublicRole | null,
    email: contacts ? (r.email ?? null) : null,
    phone: contacts ? (r.phone ?? null) : null,
    hasEmail: !!r.email,
    hasPhone: !!r.phone,
    unitId,
    unitCode: unitId ? (unitCodes.get(unitId) ?? null) : null,
    active: r.active !== false,
    drawnAt: r.drawnAt ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

async function unitCodesById(): Promise<Map<string, string>> {
  return new Map([...(await unitNamesById()).entries()].map(([id, u]) => [id, u.code]));
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The registry, filtered; contacts only when `contacts` (commission staff). The registry holds a
 * few hundred to a few thousand people, so it is read whole.
 */
export async function listRepresentatives(filter: ListQuery, opts: { contacts: boolean }): Promise<RepresentativeView[]> {
  const query: Record<string, unknown> = {};
  if (filter.kind) query.kind = filter.kind;
  if (filter.active) query.active = filter.active === 'true';
  if (filter.q) {
    const re = new RegExp(escapeRegex(filter.q), 'i');
    query.$or = [{ name: re }, { organization: re }];
  }
  const [rows, codes] = await Promise.all([Representative.find(query).sort({ kind: 1, name: 1, _id: 1 }).lean<Lean[]>(), unitCodesById()]);
  return rows.map((r) => view(r, codes, opts.contacts));
}

/** Active representatives per kind (and public ones per role), and how many are inactive. */
export async function countRepresentatives(): Promise<RepresentativeCounts> {
  // $group with $sum only: what FerretDB supports.
  const groups = await Representative.aggregate<{ _id: { kind: string; publicRole: string | null; active: boolean }; n: number }>([
    { $group: { _id: { kind: '$kind', publicRole: '$publicRole', active: '$active' }, n: { $sum: 1 } } },
  ]);
  const counts: RepresentativeCounts = { entrepreneur: 0, public: 0, publicRoles: { deputy: 0, cppcc: 0, leader: 0, citizen: 0, unspecified: 0 }, inactive: 0 };
  for (const g of groups) {
    if (g._id.active === false) {
      counts.inactive += g.n;
      continue;
    }
    if (g._id.kind === 'entrepreneur') counts.entrepreneur += g.n;
    else if (g._id.kind === 'public') {
      counts.public += g.n;
      const role = (PUBLIC_ROLES as readonly string[]).includes(g._id.publicRole ?? '') ? (g._id.publicRole as PublicRole) : 'unspecified';
      counts.publicRoles[role] += g.n;
    }
  }
  return counts;
}

/** One representative with contacts (the commission's edit page). */
export async function getRepresentative(id: string): Promise<RepresentativeView> {
  if (!isObjectId(id)) throw new NotFoundError();
  const r = await Representative.findById(id).lean<Lean>();
  if (!r) throw new NotFoundError();
  return view(r, await unitCodesById(), true);
}

/** Every active representative as the draw needs them: id, kind, public role; ordered by id. */
export async function listEligible(): Promise<EligibleRepresentative[]> {
  const rows = await Representative.find({ active: true }, { kind: 1, publicRole: 1 }).sort({ _id: 1 }).lean<Pick<Lean, '_id' | 'kind' | 'publicRole'>[]>();
  return rows.map((r) => ({ id: String(r._id), kind: r.kind as RepresentativeKind, publicRole: (r.publicRole ?? null) as PublicRole | null }));
}

/**
 * Records that these representatives were drawn (the first time only): from then on they cannot
 * change kind, and since nobody is deleted, they stay for the draw to be checked.
 */
export async function markDrawn(ids: readonly string[], at: Date): Promise<number> {
  const valid = ids.filter(isObjectId);
  if (!valid.length) return 0;
  const res = await Representative.updateMany({ _id: { $in: valid }, drawnAt: null }, { $set: { drawnAt: at } });
  return res.modifiedCount;
}

// The same person is recognised by name and a shared phone or email, whatever kind or
// organization they were entered with (a company written two ways is still one person; being in
// both pools would let one person be drawn twice).
const identityKeys = (r: { name: string; phone?: string | null; email?: string | null }) => [
  ...(r.phone ? [`${r.name}\u0000p\u0000${r.phone}`] : []),
  ...(r.email ? [`${r.name}\u0000e\u0000${r.email}`] : []),
];

async function registered(name: string, phone: string | null, email: string | null, except?: string): Promise<boolean> {
  const or = [...(phone ? [{ phone }] : []), ...(email ? [{ email }] : [])];
  if (!or.length) return false;
  const found = await Representative.findOne({ name, $or: or, ...(except ? { _id: { $ne: except } } : {}) }, { _id: 1 }).lean();
  return !!found;
}

type Fields = { kind: RepresentativeKind; name: string; organization: string | null; sector: string | null; publicRole: PublicRole | null; email: string | null; phone: string | null; unitId: Types.ObjectId | null };

async function fieldsOf(input: RepresentativeInput): Promise<Fields> {
  let unitId: Types.ObjectId | null = null;
  if (input.unitId) {
    const unit = await findActiveUnit(input.unitId);
    if (!unit) throw new ValidationError({ unitId: 'unknown_unit' });
    unitId = unit._id;
  }
  return {
    kind: input.kind,
    name: input.name,
    organization: input.organization ?? null,
    sector: input.sector ?? null,
    publicRole: input.publicRole ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    unitId,
  };
}

/** Adds one representative from the page; the same person twice is refused (`already_registered`). */
export async function createRepresentative(ctx: Pick<Context, 'logger'>, input: RepresentativeInput, by: Types.ObjectId): Promise<string> {
  const fields = await fieldsOf(input);
  if (await registered(fields.name, fields.phone, fields.email)) throw new ValidationError({ name: 'already_registered' });
  try {
    const doc = await Representative.create({ ...fields, active: true });
    ctx.logger.info({ representativeId: String(doc._id), userId: String(by) }, 'representative.created');
    return String(doc._id);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationError({ name: 'already_registered' });
    throw err;
  }
}

/**
 * Edits a representative. Once drawn, their kind is fixed: the panel was drawn from that pool,
 * and changing it would make the past draw read as if it drew from the other one. The rest
 * (a misspelt name, a new phone, a new employer or role) may change: people move on between years.
 */
export async function updateRepresentative(ctx: Pick<Context, 'logger'>, id: string, input: RepresentativeInput, by: Types.ObjectId): Promise<void> {
  if (!isObjectId(id)) throw new NotFoundError();
  const fields = await fieldsOf(input);
  if (await registered(fields.name, fields.phone, fields.email, id)) throw new ValidationError({ name: 'already_registered' });
  let res;
  try {
    // One conditional write: a draw that marks them between our read and this write cannot be overtaken.
    res = await Representative.updateOne({ _id: id, $or: [{ drawnAt: null }, { kind: fields.kind }] }, { $set: fields });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationError({ name: 'already_registered' });
    throw err;
  }
  if (res.matchedCount === 0) {
    if (!(await Representative.exists({ _id: id }))) throw new NotFoundError();
    throw new ValidationError({ kind: 'kind_locked' });
  }
  ctx.logger.info({ representativeId: id, userId: String(by) }, 'representative.updated');
}

/** Takes a representative out of the pool (or back in). Never a deletion. */
export async function setRepresentativeActive(ctx: Pick<Context, 'logger'>, id: string, active: boolean, by: Types.ObjectId): Promise<void> {
  if (!isObjectId(id)) throw new NotFoundError();
  const res = await Representative.updateOne({ _id: id }, { $set: { active } });
  if (res.matchedCount === 0) throw new NotFoundError();
  ctx.logger.info({ representativeId: id, userId: String(by), active }, active ? 'representative.reactivated' : 'representative.deactivated');
}

// ---------------------------------------------------------------------------------------------
// Import: CSV or XLSX, header row first, then one representative per row.

/** An import the file itself makes impossible (no rows are looked at): 400, 413 or 415. */
export class ImportFileError extends AppError {
  constructor(status: number, code: string, fields?: Record<string, string>) {
    super(status, code, code, fields);
  }
}

interface FileRow {
  line: number;
  cells: string[];
}

/** What the bytes are: an XLSX is a zip; the old binary .xls is named so that the page can say so. */
export function sniffImportFormat(buf: Buffer): ImportFormat | 'xls' {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'xlsx';
  if (buf.length >= 4 && buf[0] === 0xd0 && buf[1] === 0xcf && buf[2] === 0x11 && buf[3] === 0xe0) return 'xls';
  return 'csv';
}

/**
 * The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, or, failing UTF-8, GB18030
 * (a superset of GBK), which is what Excel on a Chinese Windows saves "CSV" in.
 */
export function decodeCsv(buf: Buffer, charset?: string): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf);
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  const declared = charset?.toLowerCase();
  if (!declared || !['gbk', 'gb2312', 'gb18030'].includes(declared)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      if (declared === 'utf-8' || declared === 'utf8') throw new ImportFileError(400, 'invalid_encoding');
    }
  }
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(buf);
  } catch {
    throw new ImportFileError(400, 'invalid_encoding');
  }
}

/**
 * RFC 4180 records with the line each starts on (quoted cells may hold commas, quotes and line
 * breaks). The delimiter is the comma, or a tab or semicolon when the header has those instead (as
 * Excel's "Unicode text" and some locales write). An unclosed quote refuses the file.
 */
export function parseCsv(text: string): FileRow[] {
  const firstLine = text.slice(0, text.search(/\r|\n/) === -1 ? text.length : text.search(/\r|\n/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const delimiter = [',', '\t', ';'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');

  const records: FileRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cell);
    records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new ImportFileError(400, 'invalid_csv', { line: String(start) });
  if (cell !== '' || cells.length) endRecord();
  return records;
}

/** The text a spreadsheet cell shows, whatever exceljs reads it as (rich text, a mailto link, a formula's result). */
function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  // Phone numbers typed into a cell become numbers; whole ones are written without exponent.
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : cellText(v.text as ExcelJS.CellValue);
  if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
  return '';
}

/** What an XLSX file inflates to, from its zip central directory; null when that cannot be read. */
export function zipInflatedSize(buf: Buffer): number | null {
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  for (let eocd = buf.length - 22; eocd >= Math.max(0, buf.length - 22 - 65535); eocd--) {
    if (buf.readUInt32LE(eocd) !== 0x06054b50) continue;
    const entries = buf.readUInt16LE(eocd + 10);
    let at = buf.readUInt32LE(eocd + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
      const size = buf.readUInt32LE(at + 24);
      if (size === 0xffffffff) return Infinity; // zip64: far beyond any registry
      total += size;
      at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    }
    return total;
  }
  return null;
}

/** An XLSX of a few thousand rows inflates to a few MB; more is not a registry (or is a zip bomb). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

async function readXlsx(buf: Buffer): Promise<FileRow[]> {
  const inflated = zipInflatedSize(buf);
  if (inflated === null) throw new ImportFileError(400, 'invalid_xlsx');
  if (inflated > MAX_INFLATED_BYTES) throw new ImportFileError(413, 'payload_too_large');
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs types its Buffer as an ArrayBuffer-like of its own; the bytes are what it reads.
    await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch {
    throw new ImportFileError(400, 'invalid_xlsx');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new ImportFileError(400, 'empty_file');
  if (ws.actualRowCount > MAX_IMPORT_ROWS + 1) throw new ImportFileError(413, 'too_many_rows');
  const records: FileRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    records.push({ line: n, cells: Array.from(cells, (c) => c ?? '') });
  });
  return records;
}

const blank = (cells: readonly string[]) => cells.every((c) => !c.trim());

/**
 * The columns of the header row, by position (null where a column has no name). Column names
 * are read without regard to case, blanks or underscores (`unit_code`, `UnitCode`); an unknown or
 * repeated name, or a missing `kind` or `name`, refuses the file with each problem named.
 */
export function mapHeader(cells: readonly string[]): (ImportColumn | null)[] {
  const known = new Map(IMPORT_COLUMNS.map((c) => [c.toLowerCase(), c] as const));
  const problems: Record<string, string> = {};
  const seen = new Set<ImportColumn>();
  const columns = cells.map((raw) => {
    const name = raw.replace(/^\uFEFF/, '').trim();
    if (!name) return null;
    const column = known.get(name.toLowerCase().replace(/[\s_-]/g, ''));
    if (!column) {
      problems[name.slice(0, 40)] = 'unknown_column';
      return null;
    }
    if (seen.has(column)) problems[column] = 'duplicate_column';
    seen.add(column);
    return column;
  });
  for (const c of REQUIRED_COLUMNS) if (!seen.has(c)) problems[c] = 'missing_column';
  if (Object.keys(problems).length) throw new ImportFileError(400, 'invalid_header', problems);
  return columns;
}

/** The header and the data rows of a file; the file's size is bounded by the caller (2 MB). */
export async function readImportFile(buf: Buffer, charset?: string): Promise<{ format: ImportFormat; columns: (ImportColumn | null)[]; rows: FileRow[] }> {
  if (!buf.length) throw new ImportFileError(400, 'empty_file');
  // The bytes say what the file is; its name or declared type counts for nothing.
  const format = sniffImportFormat(buf);
  if (format === 'xls') throw new ImportFileError(400, 'xls_not_supported');
  const records = format === 'xlsx' ? await readXlsx(buf) : parseCsv(decodeCsv(buf, charset));
  const headerAt = records.findIndex((r) => !blank(r.cells));
  if (headerAt < 0) throw new ImportFileError(400, 'empty_file');
  const columns = mapHeader(records[headerAt]!.cells);
  const rows = records.slice(headerAt + 1).filter((r) => !blank(r.cells));
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(413, 'too_many_rows');
  return { format, columns, rows };
}

const INSERT_BATCH = 500;

/**
 * Imports a file of representatives: each row is checked on its own (fields, unit code, the same
 * person earlier in the file or already in the registry) and either added or refused with its
 * line and one reason, so a corrected file can simply be imported again: what is there already
 * is refused as `already_registered`, the rest is added.
 */
export async function importRepresentatives(ctx: Pick<Context, 'logger'>, file: { buffer: Buffer; charset?: string }, by: Types.ObjectId): Promise<ImportReport> {
  const { format, columns, rows } = await readImportFile(file.buffer, file.charset);
  const units = new Map((await listActiveUnits()).map((u) => [u.code.toUpperCase(), u.id]));
  const known = new Set((await Representative.find({}, { name: 1, phone: 1, email: 1 }).lean()).flatMap((r) => identityKeys(r)));
  const inFile = new Set<string>();
  const refused: ImportReport['refused'] = [];
  const accepted: { line: number; doc: Fields & { active: boolean } }[] = [];

  for (const row of rows) {
    const values: Partial<Record<ImportColumn, string>> = {};
    let extra = false;
    row.cells.forEach((cell, i) => {
      const column = columns[i];
      if (column) values[column] = cell;
      else if (cell.trim()) extra = true;
    });
    // A cell beyond the named columns is most often a comma inside an unquoted company name: every
    // value after it has moved one column, so nothing in the row can be trusted.
    if (extra) {
      refused.push({ line: row.line, reason: 'extra_cells' });
      continue;
    }
    const parsed = importRow.safeParse(values);
    if (!parsed.success) {
      refused.push({ line: row.line, reason: firstReason(parsed.error.issues) });
      continue;
    }
    const r = parsed.data;
    const unitId = r.unitCode ? units.get(r.unitCode) : undefined;
    if (r.unitCode && !unitId) {
      refused.push({ line: row.line, reason: 'unknown_unit' });
      continue;
    }
    const keys = identityKeys(r);
    if (keys.some((k) => known.has(k))) {
      refused.push({ line: row.line, reason: 'already_registered' });
      continue;
    }
    if (keys.some((k) => inFile.has(k))) {
      refused.push({ line: row.line, reason: 'duplicate_in_file' });
      continue;
    }
    keys.forEach((k) => inFile.add(k));
    accepted.push({
      line: row.line,
      doc: {
        kind: r.kind,
        name: r.name,
        organization: r.organization ?? null,
        sector: r.sector ?? null,
        publicRole: r.publicRole ?? null,
        email: r.email ?? null,
        phone: r.phone ?? null,
        unitId: unitId ? new Types.ObjectId(unitId) : null,
        active: true,
      },
    });
  }

  let imported = 0;
  for (let i = 0; i < accepted.length; i += INSERT_BATCH) {
    const batch = accepted.slice(i, i + INSERT_BATCH);
    try {
      await Representative.insertMany(
        batch.map((a) => a.doc),
        { ordered: false },
      );
      imported += batch.length;
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
      // Only a unique-index refusal is a row's fault (someone added the same person meanwhile).
      // Anything else is rethrown without the driver's error, which may quote the documents.
      if (!writeErrors?.length || !writeErrors.every((w) => isDuplicateKey(w) || isDuplicateKey(w.err))) {
        throw new Error(`representatives.import_failed: ${(err as { code?: unknown }).code ?? (err as Error).name}`);
      }
      const failed = new Set(writeErrors.map((w) => w.index));
      batch.forEach((a, j) => (failed.has(j) ? refused.push({ line: a.line, reason: 'already_registered' }) : imported++));
    }
  }
  refused.sort((a, b) => a.line - b.line);
  ctx.logger.info({ userId: String(by), format, rows: rows.length, imported, refused: refused.length }, 'representatives.imported');
  return { imported, refused };
}
