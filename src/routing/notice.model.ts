import { Schema, model, type InferSchemaType } from 'mongoose';

// 整改通知书: the written order to a unit to correct an issue by a deadline. Numbers are unique
// and gap-free per year: a notice is created by ONE insert that claims (year, seq) = the highest
// number so far + 1 and (caseId, assignmentNo) at once; both are unique indexes, so a clash on
// either is detected and resolved without ever skipping a number (see notice.service.ts).
const noticeSchema = new Schema(
  {
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    caseId: { type: Schema.Types.ObjectId, ref: 'Case', required: true },
    assignmentNo: { type: Number, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    issuedAt: { type: Date, required: true },
    // Copied at issue time: a notice is a document and does not change when the case does.
    caseNumber: { type: String, required: true },
    categoryCode: { type: String, required: true },
    issue: { type: String, required: true },
    place: { type: String, default: null },
    basis: { type: String, default: null },
    requirements: { type: String, default: null },
    deadline: { type: String, required: true },
    workingDays: { type: Number, required: true },
    // The deadline was counted Monday to Friday in a year not entered yet (shown on the notice).
    provisional: { type: Boolean, default: false },
  },
  { timestamps: true },
);
noticeSchema.index({ year: 1, seq: 1 }, { unique: true });
noticeSchema.index({ caseId: 1, assignmentNo: 1 }, { unique: true });
noticeSchema.index({ unitId: 1, issuedAt: -1 });

export type NoticeFields = InferSchemaType<typeof noticeSchema>;
export const Notice = model('Notice', noticeSchema);

/** 〔2026〕第15号 */
export function noticeNumber(n: Pick<NoticeFields, 'year' | 'seq'>): string {
  return `〔${n.year}〕第${n.seq}号`;
}
