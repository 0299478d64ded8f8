import { Schema, model } from 'mongoose';

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

export const Category = model('Category', categorySchema);
