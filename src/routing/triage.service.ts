import type { Context } from '../context';
import { announceStatus } from '../cases/case.events';
import { transition } from '../cases/case.lifecycle';
import { findCaseByNumber } from '../cases/case.service';
import type { Actor } from '../cases/case.timeline';
import { possibleDuplicateCounts } from '../cases/duplicates';
import { triageRows } from '../cases/worklist';
import { ValidationError } from '../platform/http/errors';

export const REJECT_REASONS = ['out_of_scope', 'duplicate', 'no_grounds'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * The triage queue: cases the rules left for the commission (or not yet routed), oldest first.
 * Two reads of the worklist (the queue, and the open cases for the duplicate counts), whatever
 * the number of cases ever filed.
 */
export async function triageQueue(limit = 100) {
  const cases = await triageRows(limit);
  const duplicates = await possibleDuplicateCounts(cases);
  return cases.map((c) => ({
      id: String(c._id),
      number: c.number,
      status: c.status,
      channel: c.channel,
      categoryCode: c.categoryCode,
      submittedAt: c.submittedAt,
      description: c.description ?? '',
      assignedUnitId: null,
      targetUnitId: c.targetUnitId ? String(c.targetUnitId) : null,
      routed: c.status === 'triaged',
      // Shown as "5+" beyond five, as the case page lists at most that many on the queue.
      duplicates: Math.min(duplicates[String(c._id)] ?? 0, 5),
  }));
}

/**
 * Rejects a case the commission will not handle, with a reason the filer sees. Only from
 * triage (the transition table): once a unit has it, the case is re-routed or closed through
 * its handling, not rejected.
 */
export async function rejectCase(ctx: Pick<Context, 'clock' | 'logger' | 'queues' | 'config'>, caseId: string, input: { reason: RejectReason; note: string; duplicateOf?: string }, by: Actor) {
  if (input.reason === 'duplicate') {
    const original = input.duplicateOf ? await findCaseByNumber(input.duplicateOf) : null;
    if (!original || String(original._id) === caseId) throw new ValidationError({ duplicateOf: 'unknown_case' });
  }
  const claimed = await transition(ctx, caseId, 'reject', by, {
    action: 'rejected',
    set: { rejection: { reason: input.reason, note: input.note, duplicateOf: input.duplicateOf ?? null }, routedAt: ctx.clock.now() },
    event: { note: input.reason },
  });
  await announceStatus(ctx, claimed, 'rejected', 1);
  return claimed;
}
