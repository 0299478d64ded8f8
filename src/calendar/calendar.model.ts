import { Schema, model, type InferSchemaType } from 'mongoose';
import { invalidatedOnWrite } from '../platform/reference-cache';

// One document per year: the State Council publishes one arrangement a year, and the
// administrator edits (or adds) a year as a whole.
const calendarYearSchema = new Schema(
  {
    year: { type: Number, required: true, unique: true },
    // 'YYYY-MM-DD' strings, sorted: days off, and make-up working days (调休上班).
    holidays: { type: [String], default: [] },
    workdays: { type: [String], default: [] },
    // The notice the dates come from (name and date), so anyone can check them.
    source: { type: String, default: '' },
    // null while the year is as shipped; the administrator who last saved it otherwise.
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);

export type CalendarYearFields = InferSchemaType<typeof calendarYearSchema>;
// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(calendarYearSchema, 'calendar');
export const CalendarYear = model('CalendarYear', calendarYearSchema);
