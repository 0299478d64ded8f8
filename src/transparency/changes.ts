import { randomUUID } from 'node:crypto';
import { Schema, model, type Types } from 'mongoose';
import type { CaseLean } from '../cases/case.model';

// The cases changed since the public refresh last read them: one small document per case,
// written by a case listener (src/registry.ts) and read whole by the refresh, which then reads
// only those cases by `_id` (the one fast read on FerretDB) instead of every case. The token
// changes with every change, so the refresh removes an entry only if no change came after it
// read the entry.
const changeSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    token: { type: String, required: true },
  },
  { versionKey: false },
);
export const TransparencyChange = model('TransparencyChange', changeSchema, 'transparency_changes');

export interface PendingChange {
  _id: Types.ObjectId;
  token: string;
}

/** The case listener: notes that the case's open-data row (and maybe the recent list) must be built again. */
export async function noteCaseChanged(_ctx: unknown, c: CaseLean): Promise<void> {
  await TransparencyChange.updateOne({ _id: c._id }, { $set: { token: randomUUID() } }, { upsert: true });
}

/** Every change not yet taken into a snapshot (a working set: emptied by every refresh). */
export async function pendingChanges(): Promise<PendingChange[]> {
  return TransparencyChange.find({}).lean<PendingChange[]>();
}

/** Forgets the changes a written snapshot took in, unless the case changed again since (another token). */
export async function clearChanges(changes: readonly PendingChange[]): Promise<void> {
  for (const c of changes) await TransparencyChange.deleteOne({ _id: c._id, token: c.token });
}
