import type { Context } from '../context';
import { CalendarGapError } from '../calendar/working-days';
import { announceStatus } from '../cases/case.events';
import { transition } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { checkAttachments, storeAttachments, type UploadedFile } from '../platform/files/attachments';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { deadlineFrom, type Deadline } from '../routing/deadline.service';
import { actorOf, commissionsCase, unitsCase, type Handler } from './handling';
import { owe } from './mails';

export const OUTCOMES = ['resolved', 'explained', 'partly'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** How those accountable were dealt with: none, 批评教育, 诫勉谈话, 党纪政务处分, transferred to the commission. */
export const ACCOUNTABILITY = ['none', 'criticism', 'admonishment', 'disciplinary', 'transferred'] as const;
export type Accountability = (typeof ACCOUNTABILITY)[number];

export interface ReportInput {
  findings: string;
  actions: string;
  outcome: Outcome;
  result: string;
  accountability: Accountability;
  /** Who was held accountable and how, in words (no filer data). */
  accountabilityNote?: string;
  /** Published to the filer once the commission accepts the report. */
  reply: string;
  /** For the commission only; the filer never sees it. */
  internalNotes?: string;
}

/**
 * The unit's rectification report (整改报告): immutable once submitted; a returned report stays
 * on record and the unit writes a new one. The unit must have signed for the notice first.
 */
export async function submitReport(ctx: Context, caseId: string, h: Handler, input: ReportInput, files: UploadedFile[] = []): Promise<{ c: CaseLean; n: number }> {
  const { c, guard } = await unitsCase(h, caseId);
  const checked = checkAttachments(files);
  if (!c.signedAt || !['assigned', 'acknowledged'].includes(c.status)) throw new ConflictError();
  const n = c.reports.length + 1;
  const attachments = await storeAttachments(ctx, checked, c._id, `r${n}-`);
  const reported = await transition(ctx, caseId, 'report', actorOf(h), {
    action: 'reported',
    // Claimed on the reports as read and on the signature: one report per round, after signing.
    guard: { ...guard, signedAt: { $ne: null }, [`reports.${n - 1}`]: { $exists: false } },
    // Reporting ends the unit's open question to the filer (it reported without the answer).
    set: { redo: false, question: null },
    push: {
      ...(c.question?.text ? { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: null, answer: null, closedBy: h.id } } : {}),
      reports: { n, at: ctx.clock.now(), by: h.id, unitId: h.unitId, ...input, accountabilityNote: input.accountabilityNote ?? null, internalNotes: input.internalNotes ?? null, attachments, deadlineDate: c.deadlineDate, decision: null },
    },
    event: { unitId: h.unitId, note: input.outcome, data: { n, outcome: input.outcome } },
  });
  await owe(ctx, reported, 'report-submitted', { n }, n);
  await announceStatus(ctx, reported, 'responded', n);
  return { c: reported, n };
}

export interface ReviewInput {
  accept: boolean;
  /** Why it is returned (required to return). */
  reasons?: string;
  /** The new deadline of a returned report, in working days from today (required to return). */
  workingDays?: number;
}

/**
 * The commission's review (审核) of the latest report. Accept: the case is resolved, the reply is
 * published to the filer, the unit is told. Return (退回重办): reasons and a new deadline; the case
 * goes back to the unit (signed already) and the return counts against it. Of two staff deciding
 * at once, one wins and the other gets a conflict.
 */
export async function reviewReport(ctx: Context, caseId: string, n: number, h: Handler, input: ReviewInput): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  const report = c.reports[n - 1];
  if (!report || report.n !== n) throw new NotFoundError();
  if (report.decision || n !== c.reports.length) throw new ConflictError();
  const now = ctx.clock.now();
  const path = `reports.${n - 1}.decision`;
  const guard = { [path]: null, assignmentNo: c.assignmentNo };

  if (input.accept) {
    const onTime = !!c.deadlineAt && now <= c.deadlineAt;
    const windowEnds = new Date(now.getTime() + ctx.config.RATING_WINDOW_DAYS * 24 * 3600 * 1000);
    const accepted = await transition(ctx, caseId, 'accept', actorOf(h), {
      action: 'accepted',
      guard,
      set: {
        [path]: { accepted: true, at: now, by: h.id, reasons: input.reasons ?? null, workingDays: null, newDeadline: null, onTime },
        publicReply: { at: now, text: report.reply },
        resolvedAt: now,
        resolvedOnTime: onTime,
        ratingWindowEndsAt: windowEnds,
        // Extension requests still pending end unanswered: the work is done.
        ...Object.fromEntries(c.extensions.flatMap((e, i) => (e.status === 'pending' ? [[`extensions.${i}.status`, 'void']] : []))),
      },
      event: { unitId: c.assignedUnitId, note: String(n), data: { n, onTime, outcome: report.outcome, deadline: c.deadlineDate } },
    });
    await owe(ctx, accepted, 'report-accepted', { n }, n);
    await owe(ctx, accepted, 'reply-published', { n }, `${n}:${accepted.reopenCount}`);
    await announceStatus(ctx, accepted, 'resolved', `${n}:${accepted.reopenCount}`);
    return accepted;
  }

  const fields: Record<string, string> = {};
  if (!input.reasons) fields.reasons = 'required';
  if (!input.workingDays) fields.workingDays = 'required';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const deadline = await newDeadline(ctx, input.workingDays!);
  const returned = await transition(ctx, caseId, 'return', actorOf(h), {
    action: 'returned',
    guard,
    set: {
      [path]: { accepted: false, at: now, by: h.id, reasons: input.reasons, workingDays: input.workingDays, newDeadline: deadline.date, onTime: null },
      ...deadlineFields(deadline),
      redo: true,
    },
    inc: { returnsCount: 1 },
    event: { unitId: c.assignedUnitId, note: input.reasons ?? null, data: { n, from: c.deadlineDate, to: deadline.date } },
  });
  await owe(ctx, returned, 'report-returned', { n }, n);
  return returned;
}

/** A fresh deadline of n working days from today (a returned report, a reopened case). */
export async function newDeadline(ctx: Context, workingDays: number): Promise<Deadline> {
  try {
    return await deadlineFrom(ctx.clock.now(), workingDays, ctx.config.TZ_COUNTY);
  } catch (err) {
    if (err instanceof CalendarGapError) throw new ValidationError({ workingDays: 'calendar_gap' });
    throw err;
  }
}

export function deadlineFields(d: Deadline): { deadlineDate: string; deadlineAt: Date; deadlineDays: number; deadlineProvisional: boolean } {
  return { deadlineDate: d.date, deadlineAt: d.at, deadlineDays: d.workingDays, deadlineProvisional: d.provisional };
}

