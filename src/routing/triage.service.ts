import { Types } from 'mongoose';
import type { Context } from '../context';
import { AppError } from '../http/errors';
import { Case } from '../cases/case.model';
import { announceStatus } from '../cases/case.events';
import { OPEN_STATES } from '../cases/case.states';
import { possibleDuplicates } from '../cases/duplicates';

export const REJECT_REASONS = ['out_of_scope', 'duplicate', 'no_grounds'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The triage queue: submitted cases the rules left for the commission, oldest first. */
export async function triageQueue(limit = 100) {
  const cases = await Case.find({ status: { $in: ['submitted', 'triaged'] } }).sort({ submittedAt: 1 }).limit(limit).lean();
  return Promise.all(
    cases.map(async (c) => ({
      id: String(c._id),
      number: c.number,
      status: c.status,
      channel: c.channel,
      categoryCode: c.categoryCode,
      submittedAt: c.submittedAt,
      description: c.description,
      assignedUnitId: null,
      targetUnitId: c.targetUnitId ? String(c.targetUnitId) : null,
      routed: !!c.routedAt,
      duplicates: (await possibleDuplicates(c, 5)).length,
    })),
  );
}

/**
 * Rejects a case the commission will not handle, with a reason the filer sees. Only from
 * triage: once a unit has it, the case is re-routed or closed through its handling, not rejected.
 */
export async function rejectCase(
  ctx: Pick<Context, 'clock' | 'logger' | 'queues'>,
  caseId: string,
  input: { reason: RejectReason; note: string; duplicateOf?: string },
  userId: Types.ObjectId,
) {
  if (!Types.ObjectId.isValid(caseId)) throw new AppError(404, 'not_found', 'not_found');
  if (input.reason === 'duplicate') {
    const original = input.duplicateOf ? await Case.findOne({ number: input.duplicateOf }, { _id: 1 }).lean() : null;
    if (!original || String(original._id) === caseId) throw new AppError(400, 'validation_failed', 'validation_failed', { duplicateOf: 'unknown_case' });
  }
  const now = ctx.clock.now();
  const claimed = await Case.findOneAndUpdate(
    { _id: caseId, status: { $in: ['submitted', 'triaged'] } },
    {
      $set: { status: 'rejected', rejection: { reason: input.reason, note: input.note, duplicateOf: input.duplicateOf ?? null }, routedAt: now },
      $push: { timeline: { at: now, actor: { kind: 'user', userId }, action: 'rejected', to: 'rejected', note: input.reason } },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) throw new AppError(409, 'state_changed', 'state_changed');
  ctx.logger.info({ caseId, reason: input.reason }, 'case.rejected');
  await announceStatus(ctx, claimed, 'rejected', 1);
  return claimed;
}

/** Open cases count for the commission's overview. */
export async function openCount(): Promise<number> {
  return Case.countDocuments({ status: { $in: OPEN_STATES } });
}
