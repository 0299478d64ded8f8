import type { Types } from 'mongoose';
import type { Context } from '../context';
import { announceStatus } from '../cases/case.events';
import { recordEvent } from '../cases/case.lifecycle';
import { countyYear } from '../cases/case.numbers';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { SYSTEM } from '../cases/case.timeline';
import { ConflictError } from '../platform/http/errors';
import { requestMail } from '../platform/mail/outbox';
import { createNumbered } from '../platform/numbering';
import { CalendarGapError } from '../calendar/working-days';
import { deadlineFrom, type Deadline } from './deadline.service';
import { Notice, noticeNumber } from './notice.model';


/**
 * Issues the written notice (整改通知书) for a case's current assignment, once. Safe to run
 * again and concurrently: the notice for (case, assignment) is unique, and its number is the
 * year's highest + 1, claimed by the same insert, so numbers never repeat and never skip.
 */
export async function issueNotice(ctx: Pick<Context, 'clock' | 'logger' | 'queues' | 'config'>, caseOrId: string | Types.ObjectId | CaseLean): Promise<'issued' | 'exists' | 'not_due'> {
  // A caller holding the case as it is now passes it; otherwise it is read.
  const c = typeof caseOrId === 'object' && 'status' in caseOrId ? caseOrId : await findCase(caseOrId);
  if (!c || c.status !== 'assigned' || !c.assignedUnitId || !c.deadlineDate) return 'not_due';

  const now = ctx.clock.now();
  const year = countyYear(now, ctx.config.TZ_COUNTY);
  const { doc: notice, created } = await createNumbered(Notice, year, { caseId: c._id, assignmentNo: c.assignmentNo }, {
    caseId: c._id,
    assignmentNo: c.assignmentNo,
    unitId: c.assignedUnitId,
    issuedAt: now,
    caseNumber: c.number,
    categoryCode: c.categoryCode,
    issue: c.description,
    place: c.place ?? null,
    basis: c.basis ?? null,
    requirements: c.requirements ?? null,
    deadline: c.deadlineDate,
    workingDays: c.deadlineDays ?? 0,
    provisional: !!c.deadlineProvisional,
  });
  const outcome = created ? 'issued' : 'exists';
  if (created) ctx.logger.info({ caseId: String(c._id), noticeId: String(notice._id), seq: notice.seq, year }, 'notice.issued');

  // The mails are owed before the case says the notice is issued (noticePending false): a process
  // dying in between leaves noticePending, so the retried or reconciled job comes back here and
  // finds them recorded. The other way round, a death in between left a notice nobody mailed.
  // Recorded (and sent) once per notice whatever happens below; a repeat is a no-op.
  await requestMail(ctx, { key: `notice:${String(notice._id)}`, kind: 'notice-issued', caseId: c._id, unitId: notice.unitId, data: { noticeId: String(notice._id) } });
  await announceStatus(ctx, c, 'assigned', c.assignmentNo);

  // Signing (签收) is due a few working days after the notice; the correction deadline does not move.
  const signDue = await signDueAfter(ctx, notice.issuedAt);
  try {
    await recordEvent(ctx, c._id, 'notice_issued', SYSTEM, ['assigned'], {
      knownStatus: c.status,
      guard: { assignmentNo: c.assignmentNo, noticeId: { $ne: notice._id } },
      set: { noticeId: notice._id, noticePending: false, noticeIssuedAt: notice.issuedAt, signDueDate: signDue?.date ?? null, signDueAt: signDue?.at ?? null },
      event: { unitId: notice.unitId, note: `${notice.year}-${notice.seq}` },
    });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
  return outcome;
}

/** When signing for a notice issued at `at` falls due; null when the calendar does not reach that far. */
export async function signDueAfter(ctx: Pick<Context, 'config'>, at: Date): Promise<Deadline | null> {
  try {
    return await deadlineFrom(at, ctx.config.SIGN_WORKING_DAYS, ctx.config.TZ_COUNTY);
  } catch (err) {
    if (err instanceof CalendarGapError) return null;
    throw err;
  }
}

/** The number of the case's current notice (〔2026〕第15号), or null before it is issued. */
export async function noticeNumberOf(c: { noticeId?: Types.ObjectId | null }): Promise<string | null> {
  if (!c.noticeId) return null;
  const notice = await Notice.findById(c.noticeId, { year: 1, seq: 1 }).lean();
  return notice ? noticeNumber(notice) : null;
}
