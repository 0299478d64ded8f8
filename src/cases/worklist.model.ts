import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/**
 * The worklist (`open_cases`): one small document per case someone still works on, with the
 * fields the unit inbox, the triage queue and the duplicate counts filter, sort and show. Those
 * lists read only this collection, never `cases`: FerretDB's SQLite backend uses no secondary
 * index, so every find on `cases` scans all cases ever filed (DESIGN section 7), and its
 * PostgreSQL backend pushes filters down but still scans (even for `_id`). The worklist grows
 * with the open work only: final cases (closed, rejected, split) stay WORKLIST_KEEP_DAYS (the
 * inbox's "closed" tab) and are then purged. Written only by the lifecycle gate
 * (case.lifecycle.ts, case.store.ts) from the case as it is after each change.
 */
const worklistSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the case id
    number: { type: String, required: true },
    status: { type: String, required: true },
    channel: { type: String, required: true },
    categoryCode: { type: String, required: true },
    submittedAt: { type: Date, required: true },
    assignedUnitId: { type: Schema.Types.ObjectId, default: null },
    targetUnitId: { type: Schema.Types.ObjectId, default: null },
    priority: { type: String, default: null },
    deadlineDate: { type: String, default: null },
    deadlineAt: { type: Date, default: null },
    signedAt: { type: Date, default: null },
    redo: { type: Boolean, default: false },
    waitingForFiler: { type: Boolean, default: false },
    pendingExtension: { type: Boolean, default: false },
    // What the overdue level is computed from (escalation's levelOf).
    assignmentNo: { type: Number, default: 0 },
    returnsCount: { type: Number, default: 0 },
    reopenCount: { type: Number, default: 0 },
    escalationEvents: { type: [new Schema({ round: String, level: Number, manual: Boolean, overdue: Boolean }, { _id: false })], default: [] },
    // Only while the case waits for triage (the triage page shows it); null afterwards, so the
    // rows the inboxes read stay small.
    description: { type: String, default: null },
    /** When the case reached a final state (closed, rejected, split); purged some days later. */
    endedAt: { type: Date, default: null },
    /** The case's version (its timeline length): an older write never overwrites a newer one. */
    version: { type: Number, required: true },
  },
  { _id: false, versionKey: false },
);
worklistSchema.index({ assignedUnitId: 1, status: 1 });
worklistSchema.index({ status: 1, submittedAt: 1 });
worklistSchema.index({ endedAt: 1 });

export type WorklistRow = InferSchemaType<typeof worklistSchema> & { _id: Types.ObjectId };
export const Worklist = model('Worklist', worklistSchema, 'open_cases');
