import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { invalidatedOnWrite } from '../platform/reference-cache';

export const SERIES = ['law_enforcement', 'comprehensive_management', 'window_service'] as const;
export type Series = (typeof SERIES)[number];

const unitSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    series: { type: String, enum: SERIES, required: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    // Vertically managed (条管) units: the third-year sanction reports the head to the superior.
    vertical: { type: Boolean, default: false },
    // Written notices go to these addresses.
    emails: { type: [String], default: [] },
    // The unit's head (负责人): overdue urging and supervision notices go to them too; the head's
    // name at the time is recorded on evaluation outcomes.
    head: { type: new Schema({ name: String, title: String, email: String }, { _id: false }), default: null },
    // For vertically managed units (条管): the superior authority, informed under the sanctions.
    superior: { type: new Schema({ name: String, email: String }, { _id: false }), default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type UnitFields = InferSchemaType<typeof unitSchema>;
export type UnitDoc = HydratedDocument<UnitFields>;
// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(unitSchema, 'units');
export const Unit = model('Unit', unitSchema);
