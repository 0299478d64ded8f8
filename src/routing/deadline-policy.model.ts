import { Schema, model } from 'mongoose';
import { invalidatedOnWrite } from '../platform/reference-cache';

export const PRIORITIES = ['urgent', 'normal', 'complex'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Shipped defaults (working days), used where the administrator set nothing more specific. */
export const DEFAULT_DAYS: Record<Priority, number> = { urgent: 3, normal: 10, complex: 20 };

// Working days allowed for correction, per category and priority. `categoryCode: '*'` is the
// county-wide default for that priority; a category's own row wins over it.
const deadlinePolicySchema = new Schema(
  {
    categoryCode: { type: String, required: true },
    priority: { type: String, enum: PRIORITIES, required: true },
    workingDays: { type: Number, required: true, min: 1, max: 366 },
  },
  { timestamps: true },
);
deadlinePolicySchema.index({ categoryCode: 1, priority: 1 }, { unique: true });

// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(deadlinePolicySchema, 'deadline_policies');
export const DeadlinePolicy = model('DeadlinePolicy', deadlinePolicySchema);
