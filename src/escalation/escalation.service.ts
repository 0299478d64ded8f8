import type { Types } from 'mongoose';
import type { Context } from '../context';
import mongoose from 'mongoose';
import { listYears, loadCalendar } from '../calendar/calendar.service';
import { CalendarGapError, type WorkingCalendar } from '../calendar/working-days';
import { countyYear } from '../cases/case.numbers';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase, findCasesInHand } from '../cases/case.service';
import { HANDLING_STATES, OPEN_STATES } from '../cases/case.states';
import { markCase, markStepsDone } from '../cases/case.store';
import { SYSTEM, type Actor } from '../cases/case.timeline';
import { ConflictError } from '../platform/http/errors';
import { isDuplicateKey } from '../platform/mongo';
import { createNumbered } from '../platform/numbering';
import { noticeNumberOf } from '../routing/notice.service';
import type { Priority } from '../routing/deadline-policy.model';
import { findUnit } from '../units/unit.service';
import { EscalationPolicy, SupervisionNotice, Watch } from './escalation.models';
import { allPolicies } from './policy.service';
import { DEFAULT_POLICY, dueSteps, ladder, nextDue, type LadderPolicy, type Step } from './ladder';
import { oweEscalationMail } from './mails';

type Ctx = Pick<Context, 'clock' | 'logger' | 'config' | 'queues'>;

/** The deadline round: a new assignment, a returned report or a reopening starts a new ladder. */
export function roundOf(c: Pick<CaseLean, 'assignmentNo' | 'returnsCount' | 'reopenCount'>): string {
  return `${c.assignmentNo}.${c.returnsCount ?? 0}.${c.reopenCount ?? 0}`;
}

/** The overdue level the case has reached in its current round (0: not overdue yet). */
export function levelOf(c: Pick<CaseLean, 'assignmentNo' | 'returnsCount' | 'reopenCount' | 'escalationEvents'>): number {
  const round = roundOf(c);
  // A manual urge or supervision before the deadline is a nudge: it does not move the ladder.
  return Math.max(0, ...c.escalationEvents.filter((e) => e.round === round && (!e.manual || e.overdue)).map((e) => e.level ?? 0));
}

/** 问题工单: returned or reopened three times, or sent back by three units. */
export function isProblem(c: Pick<CaseLean, 'returnsCount' | 'reopenCount' | 'sentBackBy'>): boolean {
  return (c.returnsCount ?? 0) + (c.reopenCount ?? 0) >= 3 || c.sentBackBy.length >= 3;
}

export async function policyFor(priority: Priority | null | undefined): Promise<LadderPolicy> {
  const row = (await allPolicies()).find((r) => r.priority === (priority ?? 'normal'));
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

/** The case's version: every change appends exactly one timeline event. */
export const versionOf = (c: Pick<CaseLean, 'timeline'>) => c.timeline.length;

/**
 * Writes the watch entry only if it is not older than what is there: two changes of one case
 * refreshing at once can finish in either order, and the older must not win. An entry that is
 * newer makes the upsert's insert clash on _id, which means "keep it".
 */
async function writeWatch(caseId: Types.ObjectId, version: number, fields: Record<string, unknown>): Promise<void> {
  try {
    await Watch.updateOne({ _id: caseId, version: { $lte: version } }, { $set: { ...fields, version } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/**
 * Keeps the case's entry on the watch list in step with the case: while a unit has it in hand,
 * its level and when its next step falls due; marked gone once it leaves the unit's hands (kept a
 * while, so a late refresh from an older version cannot bring it back). Called after every change
 * of a case (a lifecycle listener) and after every sweep of it, with the case as it is now.
 */
export async function refreshWatch(ctx: Pick<Context, 'config' | 'clock' | 'logger'>, given: CaseLean): Promise<void> {
  // Every caller passes the case as it is now (a lifecycle change's result, a fresh read): no read
  // here. An older version arriving late is refused by the version guard of writeWatch.
  const c = given;
  const version = versionOf(c);
  if (!HANDLING_STATES.includes(c.status) || !c.deadlineDate || !c.deadlineAt || !c.assignedUnitId || !c.noticeId) {
    // Entries are written once a notice is issued, and only a re-assignment (number 2 on) clears
    // noticeId: a case on its first assignment without one has never had an entry to mark.
    if (!c.noticeId && (c.assignmentNo ?? 0) <= 1) return;
    if (await Watch.exists({ _id: c._id })) await writeWatch(c._id, version, { gone: true, nextAt: null, status: c.status });
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
  await writeWatch(c._id, version, {
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
    gone: false,
    nextAt: steps ? nextDue(steps, new Set(c.stepsDone)) : null,
  });
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
  // A supervision notice whose step was claimed but not yet issued (a crash between) comes first.
  if (c.supervisionPending) await finishSupervision(ctx, c);
  const steps = await stepsOf(ctx, c, await loadCalendar());
  if (steps) {
    const now = ctx.clock.now();
    let level = levelOf(c);
    const due = dueSteps(steps, new Set(c.stepsDone), now);
    // Catching up after the deadline: reminders of a deadline already passed are not sent; and of
    // several reminders due at once (after an outage or a pause), only the latest is.
    const overdue = level >= 1 || due.some((s) => s.kind === 'level');
    const latestReminder = due.filter((s) => s.kind === 'reminder').at(-1);
    for (const step of due) {
      const stale = step.kind !== 'level' && (overdue || (step.kind === 'reminder' && step !== latestReminder));
      if (stale || (step.kind === 'level' && step.level <= level)) {
        skipped.push(step.key);
        continue;
      }
      if (await takeStep(ctx, c, step, now)) applied.push(step.key);
      if (step.kind === 'level') level = step.level;
    }
    await markStepsDone(c._id, skipped);
  }
  // The steps taken changed the case since it was read.
  await refreshWatch(ctx, (await findCase(c._id)) ?? c);
  if (applied.length) ctx.logger.info({ caseId: String(caseId), applied }, 'escalation.applied');
  return { applied, skipped };
}

/**
 * Takes one step, claimed on the case as it was read: the step not done yet, the same unit, the
 * same deadline in force and no question open (an extension, a re-route or a question that landed
 * meanwhile means the step is not due any more). A supervision notice is issued only after its
 * step is claimed, so a refused step never leaves a numbered notice behind.
 */
async function takeStep(ctx: Ctx, c: CaseLean, step: Step, now: Date): Promise<boolean> {
  const unitId = c.assignedUnitId;
  const guard = { stepsDone: { $ne: step.key }, assignedUnitId: unitId, deadlineDate: c.deadlineDate, question: null };
  try {
    if (step.kind === 'level') {
      await recordEvent(ctx, c._id, 'escalated', SYSTEM, HANDLING_STATES, {
        guard,
        addToSet: { stepsDone: step.key },
        push: { escalationEvents: { round: roundOf(c), level: step.level, dueAt: step.dueAt, appliedAt: now, manual: false, overdue: true, by: null } },
        set: { ...(step.level === 3 ? { typicalListedAt: now } : {}), ...(step.level === 2 ? { supervisionPending: step.key } : {}) },
        event: { unitId, note: String(step.level), data: { level: step.level, dueAt: step.dueAt, appliedAt: now } },
      });
      if (step.level === 2) await finishSupervision(ctx, { ...c, supervisionPending: step.key });
      else await oweEscalationMail(ctx, c, step.level, step.key, null);
    } else {
      await recordEvent(ctx, c._id, step.kind === 'reminder' ? 'reminded' : 'sign_reminded', SYSTEM, HANDLING_STATES, {
        guard,
        addToSet: { stepsDone: step.key },
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

/**
 * Issues the supervision notice of a claimed level-2 step (once: unique per case and step), mails
 * it, and clears the mark. Also run by the supervision job the reconciler finds for a case whose
 * mark stayed (the process died between the claim and the notice).
 */
export async function finishSupervision(ctx: Ctx, c: CaseLean): Promise<void> {
  const key = c.supervisionPending;
  if (!key) return;
  const event = c.escalationEvents.find((e) => e.level === 2 && (e.manual ? `manual:${e.manualNo}` : `${e.round}:level:2`) === key);
  const noticeId = await issueSupervisionNotice(ctx, c, key, !!event?.manual, event?.appliedAt ?? ctx.clock.now());
  await oweEscalationMail(ctx, c, 2, key, noticeId);
  await markCase(c._id, { supervisionPending: null }, { supervisionPending: key });
}

/** Issues (once per step) the numbered supervision notice citing the rectification notice and its deadline. */
async function issueSupervisionNotice(ctx: Ctx, c: CaseLean, stepKey: string, manual: boolean, at: Date): Promise<Types.ObjectId> {
  const unit = await findUnit(c.assignedUnitId);
  const { doc, created } = await createNumbered(SupervisionNotice, countyYear(at, ctx.config.TZ_COUNTY), { caseId: c._id, stepKey }, {
    caseId: c._id,
    stepKey,
    unitId: c.assignedUnitId,
    issuedAt: at,
    manual,
    // Before the deadline (a problem case, or by hand) the notice says so instead of "overdue".
    beforeDeadline: !!c.deadlineAt && at <= c.deadlineAt,
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
 * case by hand, at any time, with the same documents and mails, recorded as manual. After the
 * deadline it stands for that level of the ladder (the automatic one is not taken again); before
 * it, it is a nudge that leaves the ladder as it is.
 */
export async function escalateByHand(ctx: Ctx, caseId: string, level: 1 | 2, by: Actor): Promise<CaseLean> {
  const c = await findCase(caseId);
  if (!c || !c.assignedUnitId) throw new ConflictError();
  const manualNo = c.escalationEvents.filter((e) => e.manual).length + 1;
  const key = `manual:${manualNo}`;
  const now = ctx.clock.now();
  const overdue = !!c.deadlineAt && now > c.deadlineAt;
  const ladderKey = `${roundOf(c)}:level:${level}`;
  const done = await recordEvent(ctx, caseId, 'escalated', by, HANDLING_STATES, {
    guard: { stepsDone: { $nin: overdue ? [key, ladderKey] : [key] }, assignedUnitId: c.assignedUnitId },
    addToSet: { stepsDone: overdue ? { $each: [key, ladderKey] } : key },
    push: { escalationEvents: { round: roundOf(c), level, dueAt: now, appliedAt: now, manual: true, manualNo, overdue, by: by.userId ?? null } },
    set: level === 2 ? { supervisionPending: key } : {},
    event: { unitId: c.assignedUnitId, note: String(level), data: { level, manual: true, overdue, dueAt: now, appliedAt: now } },
  });
  if (level === 2) await finishSupervision(ctx, done);
  else await oweEscalationMail(ctx, c, 1, key, null);
  return done;
}

/**
 * Rebuilds the watch list from the open cases (a repair: after a restore, or for cases that were
 * with a unit before escalation existed). Reads every case in a unit's hands once.
 */
export async function rebuildWatch(ctx: Pick<Context, 'config' | 'clock' | 'logger'>): Promise<number> {
  const ids = new Set([...(await findCasesInHand()), ...(await Watch.find({ gone: false }, { _id: 1 }).lean()).map((w) => String(w._id))]);
  for (const id of ids) {
    const c = await findCase(id);
    if (c) await refreshWatch(ctx, c);
    else await Watch.deleteOne({ _id: id });
  }
  return ids.size;
}

/**
 * When the ladder settings or the calendar changed since the watch list was computed, every due
 * time may have moved: rebuild it (rare: an administrator's edit). Compared by the edit times of
 * those few documents, remembered in the escalation_meta collection.
 */
export async function rebuildIfReferenceChanged(ctx: Pick<Context, 'config' | 'clock' | 'logger'>): Promise<boolean> {
  const stamp = await referenceStamp();
  const meta = mongoose.connection.db!.collection<{ _id: string; stamp: string }>('escalation_meta');
  const seen = await meta.findOne({ _id: 'reference' });
  if (seen?.stamp === stamp) return false;
  if (seen) {
    const n = await rebuildWatch(ctx);
    ctx.logger.info({ cases: n }, 'escalation.watch_rebuilt');
  }
  await meta.updateOne({ _id: 'reference' }, { $set: { stamp } }, { upsert: true });
  return !!seen;
}

async function referenceStamp(): Promise<string> {
  const [years, policies] = await Promise.all([listYears(), EscalationPolicy.find({}, { priority: 1, updatedAt: 1 }).lean()]);
  return JSON.stringify([years.map((y) => [y.year, y.updatedAt?.getTime()]), policies.map((p) => [p.priority, p.updatedAt?.getTime()]).sort()]);
}
