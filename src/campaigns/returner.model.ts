import { Schema, model } from 'mongoose';

// The identity of whoever returned a letter, stored apart from the letter and its cases (like
// complainant.model.ts) so that nothing a unit can read reaches it. Saved only when given.
const returnerSchema = new Schema(
  {
    letterId: { type: Schema.Types.ObjectId, ref: 'Letter', required: true, unique: true },
    name: { type: String, default: null },
    unit: { type: String, default: null },
    phone: { type: String, default: null },
  },
  { timestamps: true },
);

export const Returner = model('Returner', returnerSchema);
