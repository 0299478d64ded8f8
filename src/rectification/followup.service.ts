import type { Types } from 'mongoose';
import type { Context } from '../context';
import { transition, recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { RATEABLE_STATES, SATISFACTION, type Satisfaction } from '../cases/case.states';
import { CITIZEN, SYSTEM } from '../cases/case.timeline';
import { ConflictError } from '../platform/http/errors';
import { actorOf, commissionsCase, type Handler } from './handling';
import { owe } from './mails';
import { deadlineFields, newDeadline } from './reports.service';

/** A dissatisfied rating inside the window puts the case on the commission's dissatisfied list. */
function listsAsDissatisfied(c: CaseLean, rating: Satisfaction, now: Date): boolean {
  return rating === 'dissatisfied' && c.status === 'resolved' && !!c.ratingWindowEndsAt && now <= c.ratingWindowEndsAt;
}

/**
 * The filer rates the outcome once (满意 / 基本满意 / 不满意, optional comment), once it is
 * resolved (and still after it is closed). Claimed atomically: a second rating is a conflict.
 */
export async function rateCase(ctx: Pick<Context, 'clock' | 'logger' | 'config'>, caseId: Types.ObjectId, rating: Satisfaction, comment: string | undefined): Promise<void> {
  const c = await findCase(caseId);
  const now = ctx.clock.now();
  try {
    await recordEvent(ctx, caseId, 'rated', CITIZEN, RATEABLE_STATES, {
      guard: { satisfaction: null },
      set: { satisfaction: { at: now, rating, comment: comment ?? null, source: 'filer' }, ...(c && listsAsDissatisfied(c, rating, now) ? { dissatisfiedOpen: true } : {}) },
      event: { note: rating },
    });
  } catch (err) {
    if (err instanceof ConflictError) throw new ConflictError('not_rateable');
    throw err;
  }
}

export const FOLLOW_UP_RESULTS = [...SATISFACTION, 'not_reached'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/**
 * A commission member records a phone follow-up (回访) on the filer's behalf — the commission's
 * alone, so anonymous filers stay anonymous to units. A result stands as the case's rating when
 * the filer has not rated (marked as a follow-up); "not reached" is recorded and not rated.
 */
export async function recordFollowUp(ctx: Context, caseId: string, h: Handler, input: { result: FollowUpResult; note?: string }): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  const now = ctx.clock.now();
  const rates = input.result !== 'not_reached' && !c.satisfaction?.rating;
  const rating = input.result as Satisfaction;
  return recordEvent(ctx, caseId, 'followed_up', actorOf(h), RATEABLE_STATES, {
    guard: rates ? { satisfaction: null } : {},
    push: { followUps: { at: now, by: h.id, result: input.result, note: input.note ?? null } },
    // The note is the commission's (in followUps), never shown as the filer's own words.
    set: rates ? { satisfaction: { at: now, rating, comment: null, source: 'follow_up' }, ...(listsAsDissatisfied(c, rating, now) ? { dissatisfiedOpen: true } : {}) } : {},
    event: { unitId: c.assignedUnitId, note: input.result },
  });
}

/** The commission closes a case from its dissatisfied list with a note (the filer sees the closing). */
export async function closeDissatisfied(ctx: Context, caseId: string, h: Handler, note: string): Promise<CaseLean> {
  await commissionsCase(h, caseId);
  return transition(ctx, caseId, 'close', actorOf(h), { action: 'closed', guard: { dissatisfiedOpen: true }, set: { dissatisfiedOpen: false }, event: { note } });
}

/**
 * The commission reopens a resolved case (重办): back to the same unit with a new deadline,
 * counted against it. The filer rates the new outcome (the earlier rating is kept on record).
 */
export async function reopenCase(ctx: Context, caseId: string, h: Handler, input: { workingDays: number; reason: string }): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  const deadline = await newDeadline(ctx, input.workingDays);
  const reopened = await transition(ctx, caseId, 'reopen', actorOf(h), {
    action: 'reopened',
    // Claimed on the rating as read: a rating given meanwhile is not lost (the reopen is refused).
    guard: { assignmentNo: c.assignmentNo, resolvedAt: c.resolvedAt, ...(c.satisfaction?.rating ? { 'satisfaction.at': c.satisfaction.at } : { satisfaction: null }) },
    // The new outcome is rated afresh; the old rating (and any judgement of it) stays on record.
    set: { ...deadlineFields(deadline), redo: true, dissatisfiedOpen: false, satisfaction: null, unreasonable: null, resolvedAt: null, resolvedOnTime: null, ratingWindowEndsAt: null },
    push: c.satisfaction?.rating ? { pastRatings: { at: c.satisfaction.at, rating: c.satisfaction.rating, comment: c.satisfaction.comment ?? null, source: c.satisfaction.source ?? 'filer' } } : undefined,
    inc: { reopenCount: 1 },
    event: { unitId: c.assignedUnitId, note: input.reason, data: { from: c.deadlineDate, to: deadline.date } },
  });
  await owe(ctx, reopened, 'case-reopened', { reopen: reopened.reopenCount }, reopened.reopenCount);
  return reopened;
}

/**
 * The commission marks a dissatisfied rating an unreasonable demand (不合理诉求), with a reason:
 * it then leaves the unit's satisfaction rate (and the dissatisfied list).
 */
export async function markUnreasonable(ctx: Context, caseId: string, h: Handler, reason: string): Promise<CaseLean> {
  await commissionsCase(h, caseId);
  return recordEvent(ctx, caseId, 'unreasonable', actorOf(h), RATEABLE_STATES, {
    guard: { 'satisfaction.rating': 'dissatisfied', unreasonable: null },
    set: { unreasonable: { at: ctx.clock.now(), by: h.id, reason }, dissatisfiedOpen: false },
    event: { note: reason },
  });
}

/** Resolved cases whose rating window is over (and that are not on the dissatisfied list) close by themselves. */
export async function closeAfterWindow(ctx: Pick<Context, 'clock' | 'logger' | 'config'>, caseId: string): Promise<'closed' | 'skipped'> {
  try {
    await transition(ctx, caseId, 'close', SYSTEM, { action: 'closed', guard: { dissatisfiedOpen: false, ratingWindowEndsAt: { $lte: ctx.clock.now() } }, event: { note: 'rating_window' } });
    return 'closed';
  } catch (err) {
    if (err instanceof ConflictError) return 'skipped';
    throw err;
  }
}
