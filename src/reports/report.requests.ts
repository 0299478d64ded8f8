import type { Types } from 'mongoose';
import type { Context } from '../context';
import { NotFoundError } from '../platform/http/errors';
import { tryEnqueue } from '../platform/jobs/enqueue';
import { generateReportJob } from './report.job';
import { Report, type ReportFields } from './report.model';
import type { ReportRequest } from './report.schemas';
import { reportPeriod, type ReportFigures } from './report.service';

/**
 * Records the report asked for and queues its job (Redis down: recorded, the reconciler queues it).
 * The same report still queued or running is the answer to an identical request: one job, one
 * report, however often the button is pressed. Upserting on the pending state claims it in one
 * findAndModify (serialized by our FerretDB proxy, atomic per document on MongoDB); the reports
 * collection holds a few documents a month, so the filter's scan stays small.
 */
export async function requestReport(ctx: Pick<Context, 'queues' | 'logger'>, input: ReportRequest, by: Types.ObjectId): Promise<string> {
  const p = reportPeriod(input.kind, input.year, input.kind === 'month' ? input.month : input.quarter);
  const found = await Report.findOneAndUpdate(
    { kind: p.kind, label: p.label, status: { $in: ['queued', 'running'] } },
    { $setOnInsert: { kind: p.kind, label: p.label, from: p.from, to: p.to, status: 'queued', requestedBy: by } },
    // No projection: FerretDB v1 refuses one on findAndModify (DESIGN §7); a pending report has no workbook yet.
    { upsert: true, new: true, includeResultMetadata: true },
  );
  const id = String(found.value!._id);
  if (found.lastErrorObject?.updatedExisting) return id;
  if (await tryEnqueue(ctx, generateReportJob, { reportId: id })) await Report.updateOne({ _id: id }, { $set: { queued: true } });
  return id;
}

export type ReportView = Omit<ReportFields, 'xlsx' | 'figures'> & { figures: ReportFigures | null };

export async function listReports(): Promise<ReportView[]> {
  return Report.find({}, { xlsx: 0, figures: 0 }).sort({ createdAt: -1 }).limit(100).lean<ReportView[]>();
}

export async function getReport(id: string): Promise<ReportView> {
  const r = await Report.findById(id, { xlsx: 0 }).lean<ReportView>();
  if (!r) throw new NotFoundError();
  return r;
}

export async function reportStatus(id: string): Promise<{ status: string; progress: number }> {
  const r = await Report.findById(id, { status: 1, progress: 1 }).lean();
  if (!r) throw new NotFoundError();
  return { status: r.status, progress: r.progress ?? 0 };
}

export async function reportWorkbook(id: string): Promise<{ label: string; xlsx: Buffer } | null> {
  const r = await Report.findById(id, { label: 1, xlsx: 1, status: 1 }).lean();
  if (!r) throw new NotFoundError();
  if (r.status !== 'done' || !r.xlsx) return null;
  // A lean read gives the BSON Binary, not a Buffer.
  const raw = r.xlsx as unknown as Buffer | { buffer: Uint8Array };
  return { label: r.label, xlsx: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer) };
}
