import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { CASE_STATES, CHANNELS } from './case.states';

// A timeline event is appended with $push and never edited or deleted.
const timelineEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: {
      kind: { type: String, enum: ['citizen', 'user', 'system'], required: true },
      userId: { type: Schema.Types.ObjectId, default: null },
    },
    action: { type: String, required: true },
    from: { type: String, default: null },
    to: { type: String, default: null },
    unitId: { type: Schema.Types.ObjectId, default: null },
    note: { type: String, default: null },
  },
  { _id: false },
);

// What units may read. The complainant's identity is NOT here: it lives in the `complainants`
// collection (see complainant.model.ts) and is read only by commission staff, with a log entry.
const caseSchema = new Schema(
  {
    number: { type: String, required: true, unique: true },
    channel: { type: String, enum: CHANNELS, required: true },
    categoryCode: { type: String, required: true },
    description: { type: String, required: true },
    place: { type: String, default: null },
    eventDate: { type: Date, default: null },
    status: { type: String, enum: CASE_STATES, required: true, default: 'submitted' },
    targetUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    assignedUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    // Which user filed it (supervisor or staff); null for the public.
    filedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // Counts assignments so each one gets its own deterministic notification key.
    assignmentNo: { type: Number, default: 0 },
    // False when the routing job could not be queued (Redis down): the reconciler picks it up.
    routingQueued: { type: Boolean, default: false },
    // Set once the routing job has decided (assigned, or left for triage).
    routedAt: { type: Date, default: null },
    submittedAt: { type: Date, required: true },
    timeline: { type: [timelineEventSchema], default: [] },
  },
  { timestamps: true },
);
caseSchema.index({ status: 1, submittedAt: 1 });
caseSchema.index({ assignedUnitId: 1, status: 1 });
caseSchema.index({ routingQueued: 1, status: 1 });
caseSchema.index({ filedBy: 1, submittedAt: -1 });

export type CaseFields = InferSchemaType<typeof caseSchema>;
export type CaseDoc = HydratedDocument<CaseFields>;
export const Case = model('Case', caseSchema);
