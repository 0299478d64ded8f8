import { Schema, model } from 'mongoose';

// Idempotency keys of submissions, scoped by channel, filer and (public form) browser (`web:public:b.<hmac>:<key>`): the first insert wins (unique _id), a repeat with the same key
// (a double click, a client retry) gets the case the first one created. A collection of its own
// because a unique index on an optional field of cases would need a sparse or partial index,
// which FerretDB lacks (DESIGN section 7).
const intakeKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    caseId: { type: Schema.Types.ObjectId, ref: 'Case', required: true },
    // sha256 of what was submitted: the same key with other content is a conflict (409).
    inputHash: { type: String, default: null },
  },
  { timestamps: true },
);
export const IntakeKey = model('IntakeKey', intakeKeySchema);
