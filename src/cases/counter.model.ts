import { Schema, model } from 'mongoose';

// Gap-free sequences (case numbers per year): one document per sequence, claimed with an
// atomic $inc (no multi-document transactions on FerretDB, DESIGN section 7).
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } });
export const Counter = model('Counter', counterSchema);

export async function nextSequence(key: string): Promise<number> {
  const doc = await Counter.findOneAndUpdate(
    { _id: key },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return doc!.seq;
}
