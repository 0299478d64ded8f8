import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dropLocal } from '../../src/platform/reference-cache';
import mongoose from 'mongoose';
import type { Context } from '../../src/context';
import { givenReferenceData } from './builders';
import { clearCollection, clearRedis, resetData } from './context';

type Doc = mongoose.mongo.BSON.Document;
const { BSON } = mongoose.mongo;

/** The reference data as seeded: each collection's documents (by _id), as BSON, and all of them joined to compare. */
export type ReferenceSnapshot = Map<string, { docs: Buffer[]; joined: Buffer }>;

async function readCollection(name: string): Promise<{ docs: Buffer[]; joined: Buffer }> {
  // Kept as BSON types (an int32 stays an int32, a double a double), so what is put back is what the seed wrote.
  const found = await mongoose.connection.db!.collection(name).find({}, { promoteValues: false }).sort({ _id: 1 }).toArray();
  const docs = found.map((d) => Buffer.from(BSON.serialize(d)));
  return { docs, joined: Buffer.concat(docs) };
}

/** Where the first file of a run keeps what the seed wrote, for the others (removed by the global teardown). */
export function referenceFile(run = process.env.TEST_RUN_ID ?? '0'): string {
  return `${tmpdir()}/cf-reference-${run}.bson`;
}

async function readReferenceFile(): Promise<ReferenceSnapshot | undefined> {
  const bytes = await readFile(referenceFile()).catch(() => undefined);
  if (!bytes) return undefined;
  const stored = BSON.deserialize(bytes, { promoteValues: false }) as Record<string, Doc[]>;
  return new Map(
    Object.entries(stored).map(([name, found]) => {
      const docs = found.map((d) => Buffer.from(BSON.serialize(d)));
      return [name, { docs, joined: Buffer.concat(docs) }];
    }),
  );
}

async function writeReferenceFile(snapshot: ReferenceSnapshot): Promise<void> {
  const stored = Object.fromEntries([...snapshot].map(([name, { docs }]) => [name, docs.map((d) => BSON.deserialize(d, { promoteValues: false }))]));
  // Both Jest workers may seed at the same moment: write aside, then rename (atomic), so a reader never sees half a file.
  const aside = `${referenceFile()}.${process.pid}`;
  await writeFile(aside, BSON.serialize(stored));
  await rename(aside, referenceFile());
}

/**
 * Empties everything and seeds the reference data (units, categories, calendar, policies, rules:
 * whatever the seed writes), then keeps what it wrote. Every collection that holds documents
 * after the seed is reference data, so a collection the seed starts writing later is kept too.
 * The seed itself runs once per test run (~1.6 s on an idle FerretDB, 10 s and more when the
 * machine is busy); later files insert what it wrote (one insertMany per collection).
 */
export async function seedReferenceSnapshot(ctx: Pick<Context, 'config' | 'redis'>): Promise<ReferenceSnapshot> {
  await resetData(ctx);
  const stored = await readReferenceFile();
  if (stored) {
    await restoreReferenceData(ctx, stored);
    return stored;
  }
  await givenReferenceData();
  const snapshot: ReferenceSnapshot = new Map();
  const collections = await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections) {
    const read = await readCollection(name);
    if (read.docs.length) snapshot.set(name, read);
  }
  await writeReferenceFile(snapshot);
  return snapshot;
}

/**
 * Brings the database back to the seeded state: every other collection emptied, and a reference
 * collection written again only when it differs from the snapshot (a test edited a unit, added a
 * rule, deleted the calendar). Reading 70 units costs a few milliseconds on FerretDB; seeding them
 * again costs ~1.6 s (200 upserts through the serializing proxy), so compare first.
 */
export async function restoreReferenceData(ctx: Pick<Context, 'config' | 'redis'>, snapshot: ReferenceSnapshot): Promise<void> {
  const db = mongoose.connection.db!;
  const present = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const names = new Set([...present, ...snapshot.keys()]);
  await Promise.all(
    [...names].map(async (name) => {
      const seeded = snapshot.get(name);
      if (!seeded) return clearCollection(name);
      const now = await readCollection(name);
      if (now.joined.equals(seeded.joined)) return;
      await db.collection(name).deleteMany({});
      await db.collection(name).insertMany(seeded.docs.map((d) => BSON.deserialize(d, { promoteValues: false })));
    }),
  );
  // Written with the raw driver, which the reference cache's mongoose hooks do not see: this
  // process's copies (the in-process workers share them) go, as after any change.
  dropLocal();
  await clearRedis(ctx);
}
