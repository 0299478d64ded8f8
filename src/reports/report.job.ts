import { z } from 'zod';
import { defineJob } from '../platform/jobs/define-job';
import { reportXlsx } from './report.export';
import { Report } from './report.model';
import { computeReport, type ReportPeriod } from './report.service';

/**
 * Generates one report (job `report-<id>`): computes its figures with progress (BullMQ's, mirrored
 * on the record for the page's poll), builds the workbook and stores both on the record. A
 * repeated job finds the report done and does nothing; a failed last attempt marks it failed.
 */
export const generateReportJob = defineJob<{ reportId: string }>({
  name: 'generate-report',
  queue: 'reports',
  payload: z.object({ reportId: z.string().regex(/^[a-f0-9]{24}$/) }).strict(),
  jobId: (p) => `report-${p.reportId}`,
  handle: async (ctx, { reportId }, job) => {
    const r = await Report.findOneAndUpdate({ _id: reportId, status: { $in: ['queued', 'running'] } }, { $set: { status: 'running', startedAt: ctx.clock.now(), queued: true } }, { returnDocument: 'after' }).lean();
    if (!r) return { skipped: true };
    const started = Date.now();
    const progress = async (percent: number) => {
      await job.updateProgress(percent);
      await Report.updateOne({ _id: reportId }, { $set: { progress: percent } });
    };
    const period: ReportPeriod = { kind: r.kind, label: r.label, from: r.from, to: r.to };
    const figures = await computeReport(ctx, period, progress);
    const xlsx = await reportXlsx(figures, ctx.clock.now());
    await Report.updateOne({ _id: reportId, status: 'running' }, { $set: { status: 'done', progress: 100, figures, xlsx, finishedAt: ctx.clock.now() } });
    await job.updateProgress(100);
    ctx.logger.info({ reportId, label: r.label, durationMs: Date.now() - started }, 'report.generated');
    return { done: true };
  },
  onGiveUp: async (ctx, { reportId }) => {
    await Report.updateOne({ _id: reportId, status: { $in: ['queued', 'running'] } }, { $set: { status: 'failed', error: 'generation_failed', finishedAt: ctx.clock.now() } });
  },
  pending: {
    find: async (limit) => (await Report.find({ status: 'queued', queued: false }, { _id: 1 }).limit(limit).lean()).map((r) => ({ reportId: String(r._id) })),
    queued: async ({ reportId }) => void (await Report.updateOne({ _id: reportId }, { $set: { queued: true } })),
    lost: async () => (await Report.updateMany({ status: { $in: ['queued', 'running'] }, queued: true }, { $set: { queued: false, status: 'queued' } })).modifiedCount,
  },
});
