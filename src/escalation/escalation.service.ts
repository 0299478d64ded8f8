import type { Types } from 'mongoose';
import type { Context } from '../context';
import { loadCalendar } from '../calendar/calendar.service';
import { CalendarGapError, type WorkingCalendar } from '../calendar/working-days';
import { countyYear } from '../cases/case.numbers';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase, findCasesInHand } from '../cases/case.service';
import { HANDLING_STATES, OPEN_STATES } from '../cases/case.states';
import { markStepsDone } from '../cases/case.store';
import { SYSTEM, type Actor } from '../cases/case.timeline';
import { ConflictError } from '../platform/http/errors';
import { createNumbered } from '../platform/numbering';
import { noticeNumberOf } from '../routing/notice.service';
import type { Priority } from '../routing/deadline-policy.model';
import { findUnit } from '../units/unit.service';
import { EscalationPolicy, SupervisionNotice, Watch } from './escalation.models';
import { DEFAULT_POLICY, dueSteps, ladder, nextDue, type LadderPolicy, type Level, type Step } from './ladder';
import { oweEscalationMail } from './mails';

type Ctx = Pick<Context, 'clock' | 'logger' | 'config' | 'queues'>;

/** The deadline round: a new assignment, a returned report or a reopening starts a new ladder. */
export function roundOf(c: Pick<CaseLean, 'assignmentNo' | 'returnsCount' | 'reopenCount'>): string {
  return `${c.assignmentNo}.${c.returnsCount ?? 0}.${c.reopenCount ?? 0}`;
}

/** The overdue level the case has reached in its current round (0: not overdue yet). */
export function levelOf(c: Pick<CaseLean, 'assignmentNo' | 'returnsCount' | 'reopenCount' | 'escalationEvents'>): number {
  const round = roundOf(c);
  return Math.max(0, ...c.escalationEvents.filter((e) => e.round === round).map((e) => e.level ?? 0));
}

/** 问题工单: returned or reopened three times, or sent back by three units. */
export function isProblem(c: Pick<CaseLean, 'returnsCount' | 'reopenCount' | 'sentBackBy'>): boolean {
  return (c.returnsCount ?? 0) + (c.reopenCount ?? 0) >= 3 || c.sentBackBy.length >= 3;
}

export async function policyFor(priority: Priority | null | undefined): Promise<LadderPolicy> {
  const row = await EscalationPolicy.findOne({ priority: priority ?? 'normal' }).lean();
  return row ? { level2AfterDays: row.level2AfterDays, level3AfterDays: row.level3AfterDays, reminderDays: row.reminderDays } : DEFAULT_POLICY;
}

/** The case's ladder in its current round; null when the deadline does not run (not with a unit, or waiting for the filer). */
async function stepsOf(ctx: Pick<Context, 'config'>, c: CaseLean, cal: WorkingCalendar): Promise<Step[] | null> {
  if (!HANDLING_STATES.includes(c.status) || !c.deadlineDate || !c.noticeId || c.question) return null;
  const unsignedDueAt = c.status === 'assigned' && !c.signedAt && c.signDueAt ? c.signDueAt : null;
  return ladder(
    { round: roundOf(c), deadlineDate: c.deadlineDate, unsignedDueAt, signRound: `${c.assignmentNo}.${c.signDueDate}`, problem: isProblem(c), problemSince: c.problemSince },
    await policyFor(c.priority),
    cal,
    ctx.config.TZ_COUNTY,
  );
}

/**
 * Keeps the case's entry on the watch list in step with the case: while a unit has it in hand,
 * its level and when its next step falls due; gone once it leaves the unit's hands. Called after
 * every change of a case (a lifecycle listener) and after every sweep of it.
 */
export async function refreshWatch(ctx: Pick<Context, 'config' | 'clock' | 'logger'>, c: CaseLean): Promise<void> {
  if (!HANDLING_STATES.includes(c.status) || !c.deadlineDate || !c.deadlineAt || !c.assignedUnitId || !c.noticeId) {
    await Watch.deleteOne({ _id: c._id });
    return;
  }
  if (isProblem(c) && !c.problemSince) {
    // Marked once, in the timeline; the listener brings us back here with problemSince set.
    try {
      await recordEvent(ctx, c._id, 'problem_case', SYSTEM, OPEN_STATES, { guard: { problemSince: null }, set: { problemSince: ctx.clock.now() }, event: { unitId: c.assignedUnitId } });
      return;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  let steps: Step[] | null;
  try {
    steps = await stepsOf(ctx, c, await loadCalendar());
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    ctx.logger.warn({ caseId: String(c._id), year: err.year }, 'escalation.calendar_gap');
    steps = null;
  }
  const unit = await findUnit(c.assignedUnitId);
  const round = roundOf(c);
  await Watch.updateOne(
    { _id: c._id },
    {
      $set: {
        number: c.number,
        unitId: c.assignedUnitId,
        series: unit?.series ?? null,
        categoryCode: c.categoryCode,
        priority: c.priority ?? null,
        status: c.status,
        deadlineDate: c.deadlineDate,
        deadlineAt: c.deadlineAt,
        level: levelOf(c),
        manual: c.escalationEvents.some((e) => e.round === round && e.manual),
        problem: isProblem(c),
        paused: !!c.question,
        nextAt: steps ? nextDue(steps, new Set(c.stepsDone)) : null,
      },
    },
    { upsert: true },
  );
}

/**
 * Takes every step of the case that is due by now and not done yet, in order, each once (claimed
 * on the case by its key, so two workers sweeping at once take it once), with the time it was due
 * and the time it was taken. Reminders that come due after the case is already overdue, and levels
 * below the one reached, are skipped (recorded as done).
 */
export async function applyDueSteps(ctx: Ctx, caseId: string | Types.ObjectId): Promise<{ applied: string[]; skipped: string[] }> {
  const applied: string[] = [];
  const skipped: string[] = [];
  const c = await findCase(caseId);
  if (!c) return { applied, skipped };
  const steps = await stepsOf(ctx, c, await loadCalendar());
  if (steps) {
    const now = ctx.clock.now();
    let level = levelOf(c);
    const due = dueSteps(steps, new Set(c.stepsDone), now);
    // Catching up after the deadline: reminders of a deadline already passed are not sent.
    const overdue = level >= 1 || due.some((s) => s.kind === 'level');
    for (const step of due) {
      if ((step.kind !== 'level' && overdue) || (step.kind === 'level' && step.level <= level)) {
        skipped.push(step.key);
        continue;
      }
      if (await takeStep(ctx, c, step, now)) applied.push(step.key);
      if (step.kind === 'level') level = step.level;
    }
    await markStepsDone(c._id, skipped);
  }
  await refreshWatch(ctx, (await findCase(caseId)) ?? c);
  if (applied.length) ctx.logger.info({ caseId: String(caseId), applied }, 'escalation.applied');
  return { applied, skipped };
}

async function takeStep(ctx: Ctx, c: CaseLean, step: Step, now: Date): Promise<boolean> {
  const unitId = c.assignedUnitId;
  const base = { guard: { stepsDone: { $ne: step.key }, assignedUnitId: unitId }, addToSet: { stepsDone: step.key } };
  try {
    if (step.kind === 'level') {
      const noticeId = step.level === 2 ? await issueSupervisionNotice(ctx, c, step.key, false) : null;
      await recordEvent(ctx, c._id, 'escalated', SYSTEM, HANDLING_STATES, {
        ...base,
        push: { escalationEvents: { round: roundOf(c), level: step.level, dueAt: step.dueAt, appliedAt: now, manual: false, by: null, noticeId } },
        set: step.level === 3 ? { typicalListedAt: now } : {},
        event: { unitId, note: String(step.level), data: { level: step.level, dueAt: step.dueAt, appliedAt: now } },
      });
      await oweEscalationMail(ctx, c, step.level, step.key, noticeId);
    } else {
      await recordEvent(ctx, c._id, step.kind === 'reminder' ? 'reminded' : 'sign_reminded', SYSTEM, HANDLING_STATES, {
        ...base,
        event: { unitId, data: { dueAt: step.dueAt, appliedAt: now, ...(step.kind === 'reminder' ? { daysBefore: step.daysBefore } : {}) } },
      });
      await oweEscalationMail(ctx, c, step.kind, step.key, null);
    }
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false; // another sweep took it, or the case moved on
    throw err;
  }
}

/** Issues (once per step) the numbered supervision notice citing the rectification notice and its deadline. */
async function issueSupervisionNotice(ctx: Ctx, c: CaseLean, stepKey: string, manual: boolean): Promise<Types.ObjectId> {
  const now = ctx.clock.now();
  const unit = await findUnit(c.assignedUnitId);
  const { doc, created } = await createNumbered(SupervisionNotice, countyYear(now, ctx.config.TZ_COUNTY), { caseId: c._id, stepKey }, {
    caseId: c._id,
    stepKey,
    unitId: c.assignedUnitId,
    issuedAt: now,
    manual,
    caseNumber: c.number,
    categoryCode: c.categoryCode,
    issue: c.description,
    noticeNumber: await noticeNumberOf(c),
    deadline: c.deadlineDate,
    headName: unit?.head?.name ?? null,
    headTitle: unit?.head?.title ?? null,
  });
  if (created) ctx.logger.info({ caseId: String(c._id), supervisionNoticeId: String(doc._id), seq: doc.seq }, 'escalation.supervision_notice_issued');
  return doc._id;
}

export const MANUAL_LEVELS = [1, 2] as const;

/**
 * The commission urges (催办, level 1) or supervises (督办, level 2: a supervision notice) an open
 * case by hand, at any time, with the same documents and mails, recorded as manual.
 */
export async function escalateByHand(ctx: Ctx, caseId: string, level: 1 | 2, by: Actor): Promise<CaseLean> {
  const c = await findCase(caseId);
  if (!c || !c.assignedUnitId) throw new ConflictError();
  const n = c.escalationEvents.filter((e) => e.manual).length + 1;
  const key = `manual:${n}`;
  const now = ctx.clock.now();
  const noticeId = level === 2 ? await issueSupervisionNotice(ctx, c, key, true) : null;
  const done = await recordEvent(ctx, caseId, 'escalated', by, HANDLING_STATES, {
    guard: { stepsDone: { $ne: key } },
    addToSet: { stepsDone: key },
    push: { escalationEvents: { round: roundOf(c), level, dueAt: now, appliedAt: now, manual: true, by: by.userId ?? null, noticeId } },
    event: { unitId: c.assignedUnitId, note: String(level), data: { level, manual: true, dueAt: now, appliedAt: now } },
  });
  await oweEscalationMail(ctx, c, level as Level, key, noticeId);
  return done;
}

/**
 * Rebuilds the watch list from the open cases (a repair: after a restore, or for cases that were
 * with a unit before escalation existed). Reads every case in a unit's hands once.
 */
export async function rebuildWatch(ctx: Pick<Context, 'config' | 'clock' | 'logger'>): Promise<number> {
  const ids = await findCasesInHand();
  for (const id of ids) {
    const c = await findCase(id);
    if (c) await refreshWatch(ctx, c);
  }
  return ids.length;
}
