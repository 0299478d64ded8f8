import type { Model, Types } from 'mongoose';
import { isDuplicateKey } from './mongo';

const MAX_TRIES = 50;

/**
 * Creates a document numbered in a gap-free yearly series, once. The collection has two unique
 * indexes: (year, seq), and the document's own identity (`identity`, e.g. case + assignment).
 * ONE insert claims both: seq = the year's highest + 1; a clash on either index is resolved by
 * re-reading, so numbers never repeat and never skip, and a repeated call finds the first document.
 */
export async function createNumbered<T extends { year: number; seq: number }>(
  model: Model<T>,
  year: number,
  identity: Record<string, unknown>,
  fields: Record<string, unknown>,
): Promise<{ doc: T & { _id: Types.ObjectId }; created: boolean }> {
  const existing = await model.findOne(identity).lean<T & { _id: Types.ObjectId }>();
  if (existing) return { doc: existing, created: false };
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const last = await model.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>();
    try {
      const doc = await model.create({ ...fields, year, seq: (last?.seq ?? 0) + 1 } as unknown as T);
      return { doc: (doc as unknown as { toObject(): T & { _id: Types.ObjectId } }).toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either another run created this very document, or another one took the number.
      const mine = await model.findOne(identity).lean<T & { _id: Types.ObjectId }>();
      if (mine) return { doc: mine, created: false };
    }
  }
  throw new Error(`could not number a ${model.modelName} for ${JSON.stringify(identity)}`);
}
