import type { Types } from 'mongoose';
import type { Context } from '../context';
import { CalendarGapError } from '../calendar/working-days';
import { transition } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { TRIAGE_STATES, fromStates, type CaseState } from '../cases/case.states';
import { findActiveCategory } from '../cases/category.service';
import type { Actor } from '../cases/case.timeline';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { tryEnqueue } from '../platform/jobs/enqueue';
import { findActiveUnit } from '../units/unit.service';
import type { Priority } from './deadline-policy.model';
import { deadlineFrom, workingDaysFor } from './deadline.service';
import { issueNoticeJob } from './issue-notice.job';

export interface AssignmentOrder {
  unitId: string;
  priority: Priority;
  /** Overrides the policy's working days for this case. */
  workingDays?: number;
  categoryCode?: string;
  basis?: string;
  requirements?: string;
  /** The assignment the user saw when deciding; a newer one means someone else acted first (409). */
  expectedAssignmentNo?: number;
  /** Who decided: a commission user, or the routing rules (system). */
  by: Actor;
  /** The routing rule that decided, for the timeline. */
  rule?: string;
  /** Only a first assignment (the routing job must never re-route what the commission assigned). */
  firstOnly?: boolean;
  /** Only from these states (e.g. the ruling on a send-back re-routes only a case still sent back). */
  only?: readonly CaseState[];
  /** The case as the caller just read it (saves reading it again). */
  current?: CaseLean;
  /**
   * The caller issues the notice itself right after (the routing job): no notice job is queued.
   * Until it is issued the case says noticePending, which the reconciler looks for.
   */
  noticeByCaller?: boolean;
}

/** States a case may be (re-)assigned from: triage, or a unit that has it but not yet reported. */
export const ASSIGNABLE_FROM = [...fromStates('assign'), ...fromStates('reroute')];

/**
 * Sends a case in writing to a unit with a correction deadline in working days, through the
 * lifecycle gate (assign from triage, reroute from a unit), claimed on the assignment the caller
 * saw. The notice is issued by the worker (job `notice-<case>-<assignment>`), or by the
 * reconciler if Redis is down now.
 */
export async function assignCase(ctx: Context, caseId: string, order: AssignmentOrder): Promise<CaseLean> {
  const c = order.current ?? (await findCase(caseId));
  if (!c) throw new NotFoundError();
  const categoryCode = order.categoryCode ?? c.categoryCode;
  const [unit, category] = await Promise.all([findActiveUnit(order.unitId), findActiveCategory(categoryCode)]);
  const fields: Record<string, string> = {};
  if (!unit) fields.unitId = 'unknown_unit';
  if (!category) fields.categoryCode = 'unknown_category';
  if (Object.keys(fields).length) throw new ValidationError(fields);

  const now = ctx.clock.now();
  const workingDays = order.workingDays ?? (await workingDaysFor(categoryCode, order.priority));
  let deadline;
  try {
    deadline = await deadlineFrom(now, workingDays, ctx.config.TZ_COUNTY);
  } catch (err) {
    if (err instanceof CalendarGapError) throw new ValidationError({ workingDays: 'calendar_gap' });
    throw err;
  }

  if (order.expectedAssignmentNo !== undefined && order.expectedAssignmentNo !== c.assignmentNo) throw new ConflictError();
  const first = TRIAGE_STATES.includes(c.status);
  if (order.firstOnly && !first) throw new ConflictError();
  // The previous unit's open question and pending extension requests end with its assignment.
  const voided = first ? {} : Object.fromEntries(c.extensions.flatMap((e, i) => (e.status === 'pending' ? [[`extensions.${i}.status`, 'void']] : [])));
  const claimed = await transition(ctx, caseId, first ? 'assign' : 'reroute', order.by, {
    action: first ? 'assigned' : 'rerouted',
    only: order.only,
    knownStatus: order.current?.status,
    // The caller's notice event follows at once; its listeners see the assignment too.
    deferListeners: order.noticeByCaller,
    guard: { assignmentNo: c.assignmentNo },
    set: {
      assignedUnitId: unit!._id as Types.ObjectId,
      categoryCode,
      priority: order.priority,
      deadlineDays: workingDays,
      deadlineDate: deadline.date,
      deadlineAt: deadline.at,
      deadlineProvisional: deadline.provisional,
      basis: order.basis ?? null,
      requirements: order.requirements ?? null,
      noticeId: null,
      noticePending: true,
      noticeIssuedAt: null,
      routedAt: c.routedAt ?? now,
      assignedAt: now,
      // A new assignment starts the unit's handling afresh: the new unit signs for its own notice.
      signedAt: null,
      signedBy: null,
      signedLate: null,
      signDueDate: null,
      signDueAt: null,
      sendBack: null,
      redo: false,
      question: null,
      ...voided,
    },
    push: !first && c.question?.text ? { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: null, answer: null, closedBy: order.by.userId ?? null } } : undefined,
    inc: { assignmentNo: 1 },
    addToSet: { unitHistory: unit!._id },
    event: { unitId: unit!._id as Types.ObjectId, note: order.rule ?? `${deadline.date} (${workingDays})`, data: first ? null : { fromUnitId: c.assignedUnitId ? String(c.assignedUnitId) : null } },
  });

  if (!order.noticeByCaller) await tryEnqueue(ctx, issueNoticeJob, { caseId, assignmentNo: claimed.assignmentNo });
  return claimed;
}
