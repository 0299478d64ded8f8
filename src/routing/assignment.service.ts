import { Types } from 'mongoose';
import { tryEnqueue, type Context } from '../context';
import { AppError, ValidationError } from '../http/errors';
import { CalendarGapError } from '../calendar/working-days';
import { Case } from '../cases/case.model';
import type { CaseState } from '../cases/case.states';
import { Category } from '../cases/category.model';
import { issueNoticeJob } from '../queues';
import { findActiveUnit } from '../units/unit.service';
import type { Priority } from './deadline-policy.model';
import { deadlineFrom, workingDaysFor } from './deadline.service';

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
  by: { kind: 'user' | 'system'; userId?: Types.ObjectId | null; rule?: string };
}

/** States a case may be (re-)assigned from: triage, or a unit that has it but not yet reported. */
export const ASSIGNABLE_FROM: readonly CaseState[] = ['submitted', 'triaged', 'assigned', 'acknowledged'];

/**
 * Sends a case in writing to a unit with a correction deadline in working days. One atomic
 * update claims the change on the state the caller saw; the notice is issued by the worker
 * (job `notice-<case>-<assignment>`), or by the reconciler if Redis is down now.
 */
export async function assignCase(ctx: Context, caseId: string, order: AssignmentOrder, expected: readonly CaseState[] = ASSIGNABLE_FROM) {
  if (!Types.ObjectId.isValid(caseId)) throw new AppError(404, 'not_found', 'not_found');
  const c = await Case.findById(caseId).lean();
  if (!c) throw new AppError(404, 'not_found', 'not_found');
  const categoryCode = order.categoryCode ?? c.categoryCode;
  const [unit, category] = await Promise.all([findActiveUnit(order.unitId), Category.findOne({ code: categoryCode, active: true }).lean()]);
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

  if (order.expectedAssignmentNo !== undefined && order.expectedAssignmentNo !== c.assignmentNo) throw new AppError(409, 'state_changed', 'state_changed');
  const rerouted = c.status !== 'submitted' && c.status !== 'triaged';
  const claimed = await Case.findOneAndUpdate(
    { _id: c._id, status: { $in: expected }, assignmentNo: c.assignmentNo },
    {
      $set: {
        status: 'assigned',
        assignedUnitId: unit!._id,
        categoryCode,
        priority: order.priority,
        deadlineDays: workingDays,
        deadlineDate: deadline.date,
        deadlineAt: deadline.at,
        basis: order.basis ?? null,
        requirements: order.requirements ?? null,
        noticePending: true,
        routedAt: c.routedAt ?? now,
      },
      $inc: { assignmentNo: 1 },
      $push: {
        timeline: {
          at: now,
          actor: { kind: order.by.kind, userId: order.by.userId ?? null },
          action: rerouted ? 'rerouted' : 'assigned',
          from: c.status,
          to: 'assigned',
          unitId: unit!._id,
          note: order.by.rule ?? `${deadline.date} (${workingDays})`,
        },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) throw new AppError(409, 'state_changed', 'state_changed');
  ctx.logger.info({ caseId, unitId: String(unit!._id), assignmentNo: claimed.assignmentNo, deadline: deadline.date, rerouted }, rerouted ? 'case.rerouted' : 'case.assigned');

  await tryEnqueue(ctx, issueNoticeJob, { caseId, assignmentNo: claimed.assignmentNo });
  return claimed;
}
