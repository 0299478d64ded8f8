import { Schema, model, type InferSchemaType } from 'mongoose';
import { PRIORITIES } from '../routing/deadline-policy.model';
import { invalidatedOnWrite } from '../platform/reference-cache';

// The overdue ladder per priority (/admin/escalation): level 2 so many working days after the
// deadline, level 3 so many after level 2; reminders so many working days before the deadline.
const policySchema = new Schema(
  {
    priority: { type: String, enum: PRIORITIES, required: true, unique: true },
    level2AfterDays: { type: Number, required: true, min: 1, max: 60 },
    level3AfterDays: { type: Number, required: true, min: 1, max: 60 },
    reminderDays: { type: [Number], default: [2, 1] },
  },
  { timestamps: true },
);
// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(policySchema, 'escalation_policies');
export const EscalationPolicy = model('EscalationPolicy', policySchema);

/**
 * The watch list: one small document per case a unit has in hand, with when its next deadline
 * step falls due. The sweep and the overdue board read this (its size follows the open work),
 * never the cases collection, whose every scan grows with all cases ever filed (on FerretDB's
 * SQLite backend no secondary index is used). Kept in step by a lifecycle listener.
 */
const watchSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the case id
    number: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    series: { type: String, default: null },
    categoryCode: { type: String, required: true },
    priority: { type: String, default: null },
    status: { type: String, required: true },
    deadlineDate: { type: String, required: true },
    deadlineAt: { type: Date, required: true },
    level: { type: Number, default: 0 },
    manual: { type: Boolean, default: false },
    problem: { type: Boolean, default: false },
    /** Waiting for the filer's answer: the clock is paused, no step is taken. */
    paused: { type: Boolean, default: false },
    /** When the next reminder or level falls due; null when none is left. */
    nextAt: { type: Date, default: null },
    /** The case's version it was computed from (its timeline length): an older refresh never overwrites a newer one. */
    version: { type: Number, default: 0 },
    /** The case left the unit's hands; the entry stays a while as a tombstone, then the sweep purges it. */
    gone: { type: Boolean, default: false },
  },
  { timestamps: true, _id: false },
);
watchSchema.index({ nextAt: 1 });
watchSchema.index({ deadlineAt: 1 });
export type WatchFields = InferSchemaType<typeof watchSchema> & { _id: Schema.Types.ObjectId };
export const Watch = model('EscalationWatch', watchSchema, 'escalation_watch');

// 督办通知书: the supervision notice of level 2, its own gap-free yearly series (〔2026〕督第3号),
// citing the rectification notice and the deadline it missed.
const supervisionNoticeSchema = new Schema(
  {
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    caseId: { type: Schema.Types.ObjectId, required: true },
    stepKey: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    issuedAt: { type: Date, required: true },
    manual: { type: Boolean, default: false },
    beforeDeadline: { type: Boolean, default: false },
    caseNumber: { type: String, required: true },
    categoryCode: { type: String, required: true },
    issue: { type: String, required: true },
    noticeNumber: { type: String, default: null },
    deadline: { type: String, required: true },
    headName: { type: String, default: null },
    headTitle: { type: String, default: null },
  },
  { timestamps: true },
);
supervisionNoticeSchema.index({ year: 1, seq: 1 }, { unique: true });
supervisionNoticeSchema.index({ caseId: 1, stepKey: 1 }, { unique: true });
export type SupervisionNoticeFields = InferSchemaType<typeof supervisionNoticeSchema>;
export const SupervisionNotice = model('SupervisionNotice', supervisionNoticeSchema);

/** 〔2026〕督第3号 */
export function supervisionNumber(n: { year: number; seq: number }): string {
  return `〔${n.year}〕督第${n.seq}号`;
}
