import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const REPORT_KINDS = ['month', 'quarter', 'year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;

/**
 * One generated report (monthly, quarterly, annual): the request, the job's progress, and once
 * done its figures (JSON, what the page shows) and its XLSX workbook. Kept in this small
 * collection rather than GridFS: a workbook of 70 units and a few sections is tens of kB.
 */
const reportSchema = new Schema(
  {
    kind: { type: String, enum: REPORT_KINDS, required: true },
    /** 2026-03, 2026-Q1 or 2026. */
    label: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    status: { type: String, enum: REPORT_STATES, required: true, default: 'queued' },
    /** 0-100, mirrored from the job's progress so the page's status poll needs no Redis read. */
    progress: { type: Number, default: 0 },
    /** False until the job is queued (Redis down: the reconciler queues it). */
    queued: { type: Boolean, default: false },
    figures: { type: Schema.Types.Mixed, default: null },
    xlsx: { type: Buffer, default: null },
    error: { type: String, default: null },
    requestedBy: { type: Schema.Types.ObjectId, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
reportSchema.index({ createdAt: -1 });
export type ReportFields = InferSchemaType<typeof reportSchema> & { _id: Types.ObjectId; createdAt: Date };
export const Report = model('Report', reportSchema);
