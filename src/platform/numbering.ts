import { Schema, model, type Model, type Types } from 'mongoose';
import { isDuplicateKey } from './mongo';

const MAX_TRIES = 50;

// The highest number taken so far per series and year: a hint, advanced after each insert, so
// the next number is found without scanning the series (FerretDB's SQLite backend scans the
// whole collection for a sorted find, DESIGN section 7).
const hintSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } });
const NumberHint = model('NumberHint', hintSchema, 'number_hints');

/**
 * Creates a document numbered in a gap-free yearly series, once. The collection has two unique
 * indexes: (year, seq), and the document's own identity (`identity`, e.g. case + assignment).
 * ONE insert claims both, so a number exists only on a saved document: numbers never repeat and
 * never skip, even when a process dies half-way, and a repeated call finds the first document.
 *
 * Not an $inc counter claimed before the insert: a process dying between the two would leave
 * that number unused for ever (a gap in the notices' numbering). The hint is raised only after
 * an insert ($max), so it is never above the highest number taken; if it lags (a process died
 * before raising it) the insert clashes and the next number is tried.
 */
export async function createNumbered<T extends { year: number; seq: number }>(
  model: Model<T>,
  year: number,
  identity: Record<string, unknown>,
  fields: Record<string, unknown>,
): Promise<{ doc: T & { _id: Types.ObjectId }; created: boolean }> {
  const key = `${model.collection.collectionName}-${year}`;
  return oneAtATime(key, () => numberOnce(model, key, year, identity, fields));
}

// A process numbers one document of a series at a time: its own calls (a worker runs several
// jobs at once) would otherwise read the same hint and clash on the same number, each clash an
// insert and a read more. Other processes may still clash; the loop below handles that.
const queues = new Map<string, Promise<unknown>>();

function oneAtATime<R>(key: string, fn: () => Promise<R>): Promise<R> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  // The series' entry goes once nothing waits on it.
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return run;
}

async function numberOnce<T extends { year: number; seq: number }>(
  model: Model<T>,
  key: string,
  year: number,
  identity: Record<string, unknown>,
  fields: Record<string, unknown>,
): Promise<{ doc: T & { _id: Types.ObjectId }; created: boolean }> {
  const hint = await NumberHint.findById(key).lean();
  // No hint yet (the series' first number this year, or numbers from before hints existed).
  let last = hint ? hint.seq : ((await model.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>())?.seq ?? 0);
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const seq = last + 1;
    try {
      const doc = await model.create({ ...fields, year, seq } as unknown as T);
      await NumberHint.updateOne({ _id: key }, { $max: { seq } }, { upsert: true });
      return { doc: (doc as unknown as { toObject(): T & { _id: Types.ObjectId } }).toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either another run created this very document, or another one took the number.
      const mine = await model.findOne(identity).lean<T & { _id: Types.ObjectId }>();
      if (mine) return { doc: mine, created: false };
      last = seq;
    }
  }
  throw new Error(`could not number a ${model.modelName} for ${JSON.stringify(identity)}`);
}
