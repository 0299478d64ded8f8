import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

// 典型案件通报: the commission's county-wide notice of typical cases. A draft is edited freely;
// issuing gives it a number in its own gap-free yearly series (〔2026〕通报第3号) and freezes it.
// A correction is a new notice citing the old one (`corrects`); the old one shows `correctedBy`.

const itemSchema = new Schema(
  {
    caseId: { type: Schema.Types.ObjectId, required: true },
    caseNumber: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, default: null },
    // The unit's name as it stood when the item was written (a notice is a document of its day).
    unitName: { type: String, default: '' },
    // Written by the commission, prefilled from the case's category, unit, timeline and published
    // reply; never from who filed it (checked on every save).
    happened: { type: String, default: '' },
    handling: { type: String, default: '' },
    outcome: { type: String, default: '' },
  },
  { _id: false },
);

const bulletinSchema = new Schema(
  {
    title: { type: String, required: true },
    status: { type: String, enum: ['draft', 'issued'], required: true, default: 'draft' },
    items: { type: [itemSchema], default: [] },
    year: { type: Number, default: null },
    seq: { type: Number, default: null },
    issuedAt: { type: Date, default: null },
    issuedBy: { type: Schema.Types.ObjectId, default: null },
    published: { type: Boolean, default: false },
    publishedAt: { type: Date, default: null },
    corrects: { type: Schema.Types.ObjectId, default: null },
    correctedBy: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    // False from issue until the job owing one mail per unit is queued (the reconciler finishes it).
    mailsQueued: { type: Boolean, default: false },
  },
  { timestamps: true },
);
bulletinSchema.index({ status: 1, published: 1 });
export type BulletinFields = InferSchemaType<typeof bulletinSchema>;
export type BulletinLean = BulletinFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const Bulletin = model('Bulletin', bulletinSchema);

/**
 * The series itself: one document per number, claimed by createNumbered (unique year+seq, and
 * unique bulletin), so two notices issued at once get consecutive numbers and a repeated issue
 * finds its first number.
 */
const bulletinNumberSchema = new Schema(
  {
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    bulletinId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
bulletinNumberSchema.index({ year: 1, seq: 1 }, { unique: true });
bulletinNumberSchema.index({ bulletinId: 1 }, { unique: true });
export const BulletinNumber = model('BulletinNumber', bulletinNumberSchema, 'bulletin_numbers');

/** 〔2026〕通报第3号 */
export function bulletinNumber(b: { year?: number | null; seq?: number | null }): string | null {
  return b.year && b.seq ? `〔${b.year}〕通报第${b.seq}号` : null;
}
