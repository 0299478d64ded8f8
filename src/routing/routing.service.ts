import { Types } from 'mongoose';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { Unit } from '../units/unit.model';
import { requestNotification } from '../notifications/notification.service';
import { announceStatus } from '../cases/case.events';

export type RoutingOutcome = 'assigned' | 'triage' | 'skipped' | 'missing';

/**
 * Routes one case after intake. This slice assigns to the unit the filer named, or leaves the
 * case for the commission's triage; rules and deadlines come with the routing issue.
 * Safe to run any number of times: the state change is claimed atomically on `submitted` and
 * `routedAt: null`, and the notice mail has a deterministic key.
 */
export async function routeCase(ctx: Pick<Context, 'clock' | 'logger' | 'queues'>, caseId: string): Promise<RoutingOutcome> {
  const c = await Case.findById(caseId).lean();
  if (!c) return 'missing';
  if (c.status !== 'submitted' || c.routedAt) {
    // Already decided: finish the owed notification in case the previous run died after claiming.
    if (c.status === 'assigned' && c.assignedUnitId) {
      await notifyAssignment(ctx, c._id, c.assignedUnitId, c.assignmentNo);
      await announceStatus(ctx, c, 'assigned', c.assignmentNo);
    }
    return 'skipped';
  }
  const now = ctx.clock.now();
  const unit = c.targetUnitId ? await Unit.findOne({ _id: c.targetUnitId, active: true }).lean() : null;

  if (!unit) {
    const claimed = await Case.findOneAndUpdate(
      { _id: c._id, status: 'submitted', routedAt: null },
      {
        $set: { routedAt: now },
        $push: { timeline: { at: now, actor: { kind: 'system' }, action: 'awaiting_triage' } },
      },
      { returnDocument: 'after' },
    ).lean();
    if (claimed) ctx.logger.info({ caseId }, 'case.awaiting_triage');
    return claimed ? 'triage' : 'skipped';
  }

  const claimed = await Case.findOneAndUpdate(
    { _id: c._id, status: 'submitted', routedAt: null },
    {
      $set: { status: 'assigned', assignedUnitId: unit._id, routedAt: now },
      $inc: { assignmentNo: 1 },
      $push: {
        timeline: { at: now, actor: { kind: 'system' }, action: 'assigned', from: 'submitted', to: 'assigned', unitId: unit._id },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) return 'skipped';
  ctx.logger.info({ caseId, unitId: String(unit._id) }, 'case.assigned');
  await notifyAssignment(ctx, claimed._id, unit._id, claimed.assignmentNo);
  await announceStatus(ctx, claimed, 'assigned', claimed.assignmentNo);
  return 'assigned';
}

function notifyAssignment(
  ctx: Pick<Context, 'logger' | 'queues'>,
  caseId: Types.ObjectId,
  unitId: Types.ObjectId,
  assignmentNo: number,
): Promise<void> {
  return requestNotification(ctx, {
    key: `case-assigned:${String(caseId)}:${assignmentNo}`,
    kind: 'case-assigned',
    caseId,
    unitId,
  });
}
