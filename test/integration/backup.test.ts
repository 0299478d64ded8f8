import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { backupDatabase, BackupError, MANIFEST, restoreDatabase, type Manifest } from '../../src/platform/backup';
import { useTestApp } from '../helpers/app';

const { EJSON, ObjectId, Long, Binary, Double, Int32 } = mongoose.mongo.BSON;
type Db = mongoose.mongo.Db;

useTestApp({ seed: false });
let dir: string;
let target: Db;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cf-backup-'));
  // A second database on the same server, named after this worker's own so runs never meet.
  target = mongoose.connection.getClient().db(`${mongoose.connection.db!.databaseName}_restore`);
  await target.dropDatabase();
});
afterEach(async () => {
  await target.dropDatabase();
  await rm(dir, { recursive: true, force: true });
});

const source = () => mongoose.connection.db!;
const upload = (db: Db, bucket: string, name: string, bytes: Buffer) =>
  new Promise<mongoose.mongo.ObjectId>((resolve, reject) => {
    const s = new mongoose.mongo.GridFSBucket(db, { bucketName: bucket }).openUploadStream(name, { metadata: { caseId: new ObjectId(), contentType: 'application/pdf' } });
    Readable.from([bytes]).pipe(s).on('finish', () => resolve(s.id as mongoose.mongo.ObjectId)).on('error', reject);
  });
const download = async (db: Db, bucket: string, id: mongoose.mongo.ObjectId) => {
  const parts: Buffer[] = [];
  for await (const c of new mongoose.mongo.GridFSBucket(db, { bucketName: bucket }).openDownloadStream(id)) parts.push(c as Buffer);
  return Buffer.concat(parts);
};
/** Every document of every collection, in canonical Extended JSON: equal strings mean equal values and types. */
const dump = async (db: Db) => {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.')).sort();
  const out: Record<string, string[]> = {};
  for (const n of names) out[n] = (await db.collection(n).find({}).sort({ _id: 1 }).toArray()).map((d) => EJSON.stringify(d, { relaxed: false }));
  return out;
};
const indexesOf = async (db: Db, name: string) => (await db.collection(name).listIndexes().toArray()).map((i) => ({ name: i.name, key: i.key, unique: i.unique ?? false })).sort((a, b) => String(a.name).localeCompare(String(b.name)));

/**
 * A fixture with the BSON types FerretDB v1 stores (it drops the connection on Decimal128, which the
 * line format keeps: test/unit/backup-lines.test.ts), two indexes, and a GridFS file of several chunks.
 */
async function givenFixture() {
  const db = source();
  const typed = {
    _id: new ObjectId(),
    number: 'CF-2026-000123',
    text: '县公安局户籍窗口拒收材料 🙂 "quoted" \\ back',
    at: new Date('2026-03-02T02:00:00.123Z'),
    unitId: new ObjectId(),
    big: Long.fromString('9007199254740993'),
    ratio: new Double(1),
    small: new Int32(7),
    raw: new Binary(Buffer.from([0, 1, 2, 250, 255])),
    nested: { list: [1, 'two', null, { deep: new Date(0) }], empty: {} },
    nothing: null,
  };
  await db.collection('typed').insertOne(typed);
  await db.collection('typed').insertMany(Array.from({ length: 1200 }, (_, i) => ({ _id: new ObjectId(), seq: i, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })));
  await db.collection('typed').createIndex({ number: 1 }, { unique: true, sparse: true, name: 'number_unique' });
  await db.collection('typed').createIndex({ unitId: 1, at: -1 }, { name: 'unit_at' });
  // 600 KB of varied bytes: three chunks at GridFS's 255 KB.
  const bytes = Buffer.from(Array.from({ length: 600 * 1024 }, (_, i) => (i * 7919) % 251));
  const fileId = await upload(db, 'attachments', 'case-1.pdf', bytes);
  return { typed, bytes, fileId };
}

describe('backup and restore', () => {
  it('when a database is backed up and restored into an empty one, then documents, types, indexes and GridFS bytes are the same', async () => {
    const { typed, bytes, fileId } = await givenFixture();
    const manifest = await backupDatabase(source(), dir);
    expect(manifest.collections.find((c) => c.name === 'typed')?.count).toBe(1201);
    // Buckets other tests left empty in this database (e.g. the open-data files') carry no files.
    expect(manifest.gridfs.filter((b) => b.files.length)).toEqual([{ bucket: 'attachments', files: [expect.objectContaining({ length: bytes.length })] }]);

    const report = await restoreDatabase(target, dir);
    expect(report.gridfsFiles).toBe(1);

    expect(await dump(target)).toEqual(await dump(source()));
    const back = await target.collection('typed').findOne({ _id: typed._id }, { promoteLongs: false, promoteValues: false });
    expect(back?.big).toBeInstanceOf(Long);
    expect(back?.raw).toBeInstanceOf(Binary);
    expect(back?.unitId).toBeInstanceOf(ObjectId);
    expect(back?.at).toBeInstanceOf(Date);
    expect(await indexesOf(target, 'typed')).toEqual(await indexesOf(source(), 'typed'));
    expect((await indexesOf(target, 'typed')).map((i) => i.name)).toEqual(expect.arrayContaining(['number_unique', 'unit_at']));
    expect((await download(target, 'attachments', fileId)).equals(bytes)).toBe(true);
    // The unique index holds in the restored database, too.
    await expect(target.collection('typed').insertOne({ number: typed.number })).rejects.toThrow(/duplicate key/i);
  });

  it('when the target database holds documents, then restore refuses and changes nothing; with drop it replaces them', async () => {
    await givenFixture();
    await backupDatabase(source(), dir);
    await target.collection('cases').insertOne({ _id: new ObjectId(), number: 'CF-KEEP' });

    await expect(restoreDatabase(target, dir)).rejects.toThrow(/not empty.*--drop/);
    expect(await dump(target)).toEqual({ cases: [expect.stringContaining('CF-KEEP')] });

    await restoreDatabase(target, dir, { drop: true });
    expect(await dump(target)).toEqual(await dump(source()));
  });

  it('when a backup file was changed after the backup, then restore refuses before writing anything', async () => {
    await givenFixture();
    const manifest = await backupDatabase(source(), dir);
    const file = path.join(dir, manifest.collections.find((c) => c.name === 'typed')!.file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.slice(1).join('\n'));

    await expect(restoreDatabase(target, dir)).rejects.toThrow(BackupError);
    await expect(restoreDatabase(target, dir)).rejects.toThrow(/SHA-256/);
    expect(await dump(target)).toEqual({});
  });

  it('when the directory already holds a backup, then a second backup into it is refused', async () => {
    await givenFixture();
    await backupDatabase(source(), dir);
    const before = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    await expect(backupDatabase(source(), dir)).rejects.toThrow(/already holds a backup/);
    expect(JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8'))).toEqual(before);
  });
});
