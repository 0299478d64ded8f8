import { Schema, model, type InferSchemaType } from 'mongoose';

// A letter that came back in a campaign. Who returned it is NOT here: that identity lives in
// `returners` (returner.model.ts), which no unit query touches. Each opinion became a case.
const letterSchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, ref: 'Campaign', required: true },
    // The form's idempotency key: a double click or a retry records the letter once (unique).
    intakeKey: { type: String, required: true, unique: true },
    receivedOn: { type: String, required: true }, // 'YYYY-MM-DD', county calendar
    // The special supervisor who collected it, when known.
    collectedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    opinionCount: { type: Number, required: true },
    // Filled as the cases are filed ($addToSet, so a resumed retry adds each case once).
    caseIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Case' }], default: [] },
    recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { timestamps: true },
);
letterSchema.index({ campaignId: 1, receivedOn: -1 });

export type LetterFields = InferSchemaType<typeof letterSchema>;
export const Letter = model('Letter', letterSchema);
