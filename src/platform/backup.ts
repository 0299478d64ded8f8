import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';

// Backup and restore through the driver (mongodump is not on our machines, and FerretDB has no
// dump of its own). Each collection is written as canonical Extended JSON, one document a line
// (relaxed: false, so ObjectId, Date, Binary, Long, Decimal128 and Double come back as they
// were), with its indexes in one list and a manifest of counts and SHA-256 per file. GridFS
// buckets are collections like any other (`<bucket>.files`, `<bucket>.chunks`, bytes as Binary);
// the manifest also keeps each stored file's length and SHA-256, checked after a restore by
// reading the file back through GridFS.

type Db = mongoose.mongo.Db;
type Document = mongoose.mongo.Document;
const { EJSON } = mongoose.mongo.BSON;

export const MANIFEST = 'manifest.json';
const INDEXES = 'indexes.ejson';
const FORMAT = 1;
const INSERT_BATCH = 500;

export interface Manifest {
  format: number;
  createdAt: string;
  database: string;
  collections: { name: string; file: string; count: number; sha256: string }[];
  indexes: { file: string; sha256: string };
  gridfs: { bucket: string; files: { id: string; length: number; sha256: string }[] }[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** One document as a backup line: canonical Extended JSON, so every BSON type is kept. */
export const toLine = (doc: Document): string => EJSON.stringify(doc, { relaxed: false });
/** A backup line back to the document, with the same BSON types. */
export const fromLine = (line: string): Document => EJSON.parse(line, { relaxed: false }) as Document;

const sha256File = async (file: string) => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
};

/** A collection's file name: its name made safe (GridFS names hold dots, others could hold slashes). */
const fileOf = (name: string) => `${encodeURIComponent(name)}.ejson`;

/** The user collections of the database, by name (system collections are the server's own). */
async function collectionNames(db: Db): Promise<string[]> {
  const list = await db.listCollections({}, { nameOnly: true }).toArray();
  return list
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.'))
    .map((c) => c.name)
    .sort();
}

/** GridFS buckets: a `<bucket>.files` collection beside its `<bucket>.chunks`. */
const bucketsOf = (names: string[]) => names.filter((n) => n.endsWith('.files') && names.includes(`${n.slice(0, -6)}.chunks`)).map((n) => n.slice(0, -6));

async function gridfsDigests(db: Db, bucket: string): Promise<Manifest['gridfs'][number]> {
  const fs = new mongoose.mongo.GridFSBucket(db, { bucketName: bucket });
  const files: Manifest['gridfs'][number]['files'] = [];
  for await (const f of db.collection(`${bucket}.files`).find({}).sort({ _id: 1 })) {
    const h = createHash('sha256');
    let length = 0;
    for await (const chunk of fs.openDownloadStream(f._id)) {
      h.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    files.push({ id: EJSON.stringify(f._id, { relaxed: false }), length, sha256: h.digest('hex') });
  }
  return { bucket, files };
}

/**
 * Writes every collection of `db` (documents, indexes) and its GridFS files' digests to `dir`
 * (created; must hold no earlier backup). Writers keep running meanwhile: each collection is read
 * once, in `_id` order, so a write during the backup may or may not be in it (no transactions on
 * FerretDB; on MongoDB stop the web and worker processes for a point-in-time copy).
 */
export async function backupDatabase(db: Db, dir: string): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).includes(MANIFEST)) throw new BackupError(`${dir} already holds a backup`);
  const names = await collectionNames(db);
  const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), database: db.databaseName, collections: [], indexes: { file: INDEXES, sha256: '' }, gridfs: [] };
  const indexes: Record<string, Document[]> = {};

  for (const name of names) {
    const file = fileOf(name);
    const out = createWriteStream(path.join(dir, file));
    let count = 0;
    for await (const doc of db.collection(name).find({}).sort({ _id: 1 })) {
      if (!out.write(`${toLine(doc)}\n`)) await once(out, 'drain');
      count += 1;
    }
    out.end();
    await once(out, 'finish');
    manifest.collections.push({ name, file, count, sha256: await sha256File(path.join(dir, file)) });
    // `v` and `ns` belong to the server that built the index, not to its definition.
    indexes[name] = (await db.collection(name).listIndexes().toArray()).map(({ v: _v, ns: _ns, ...spec }) => spec);
  }
  await writeFile(path.join(dir, INDEXES), `${EJSON.stringify(indexes, { relaxed: false })}\n`);
  manifest.indexes.sha256 = await sha256File(path.join(dir, INDEXES));
  for (const bucket of bucketsOf(names)) manifest.gridfs.push(await gridfsDigests(db, bucket));
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface RestoreReport {
  collections: { name: string; count: number }[];
  indexes: number;
  gridfsFiles: number;
}

/** Reads and checks a backup's manifest and every file's SHA-256 before anything is written. */
export async function readBackup(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(`no readable ${MANIFEST} in ${dir}: ${(err as Error).message}`);
  }
  if (manifest.format !== FORMAT) throw new BackupError(`backup format ${manifest.format} is not ${FORMAT}`);
  for (const f of [...manifest.collections, manifest.indexes]) {
    const actual = await sha256File(path.join(dir, f.file)).catch(() => 'missing');
    if (actual !== f.sha256) throw new BackupError(`${f.file}: SHA-256 ${actual}, manifest says ${f.sha256}`);
  }
  return manifest;
}

/**
 * Restores the backup in `dir` into `db`. Refuses a database that holds any document unless
 * `drop` (then every collection in it is dropped first). Checks the files' hashes before
 * writing, and after it every collection's count and every GridFS file's length and SHA-256.
 */
export async function restoreDatabase(db: Db, dir: string, opts: { drop?: boolean } = {}): Promise<RestoreReport> {
  const manifest = await readBackup(dir);
  const existing = await collectionNames(db);
  const filled: string[] = [];
  for (const name of existing) if ((await db.collection(name).estimatedDocumentCount()) > 0) filled.push(name);
  if (filled.length && !opts.drop) throw new BackupError(`database ${db.databaseName} is not empty (${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''}); restore with --drop to replace it`);
  for (const name of existing) await db.collection(name).drop();

  const indexes = EJSON.parse(await readFile(path.join(dir, manifest.indexes.file), 'utf8'), { relaxed: false }) as Record<string, Document[]>;
  const report: RestoreReport = { collections: [], indexes: 0, gridfsFiles: 0 };
  for (const c of manifest.collections) {
    const coll = await db.createCollection(c.name);
    let batch: Document[] = [];
    const lines = createInterface({ input: createReadStream(path.join(dir, c.file), 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      batch.push(fromLine(line));
      if (batch.length >= INSERT_BATCH) {
        await coll.insertMany(batch, { ordered: true });
        batch = [];
      }
    }
    if (batch.length) await coll.insertMany(batch, { ordered: true });
    const specs = (indexes[c.name] ?? []).filter((i) => i.name !== '_id_');
    if (specs.length) await coll.createIndexes(specs.map(({ key, ...options }) => ({ key, ...options })) as mongoose.mongo.IndexDescription[]);
    report.indexes += specs.length;
    const count = await coll.countDocuments();
    if (count !== c.count) throw new BackupError(`${c.name}: ${count} documents restored, backup has ${c.count}`);
    report.collections.push({ name: c.name, count });
  }
  for (const b of manifest.gridfs) {
    const got = await gridfsDigests(db, b.bucket);
    const want = new Map(b.files.map((f) => [f.id, f]));
    for (const f of got.files) {
      const w = want.get(f.id);
      if (!w || w.length !== f.length || w.sha256 !== f.sha256) throw new BackupError(`GridFS ${b.bucket} file ${f.id}: restored bytes differ from the backup`);
      want.delete(f.id);
    }
    if (want.size) throw new BackupError(`GridFS ${b.bucket}: ${want.size} file(s) missing after restore`);
    report.gridfsFiles += got.files.length;
  }
  return report;
}
