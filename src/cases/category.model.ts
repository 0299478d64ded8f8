import { Schema, model } from 'mongoose';
import { invalidatedOnWrite } from '../platform/reference-cache';

// Complaint categories; seeded with the county's usual ones, managed by the administrator.
const categorySchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(categorySchema, 'categories');
export const Category = model('Category', categorySchema);
