import type { Types } from 'mongoose';
import { Case, type CaseFields } from './case.model';
import type { Actor } from './case.timeline';
import { dropFromWorklist, syncWorklist } from './worklist';

/** What a new case starts with; the state is always `submitted`, the timeline its first event. */
export type NewCase = Pick<CaseFields, 'number' | 'channel' | 'categoryCode' | 'description' | 'submittedAt'> & { _id: Types.ObjectId } & Record<string, unknown> & { status?: never; timeline?: never };

/**
 * Saves a new case (filed, or a part of a split one) with its first timeline event, and its
 * worklist row (the triage queue reads that). The case is marked as its derived records stale
 * until its first change refreshes them (routing, within seconds): a process that dies between
 * the two writes leaves the mark, and the reconciler writes the row.
 */
export async function createCase(fields: NewCase, first: { at: Date; actor: Actor; action: 'submitted' | 'split_from'; note: string | null }): Promise<void> {
  const created = await Case.create({
    ...fields,
    derivedStaleAt: first.at,
    status: 'submitted',
    timeline: [
      {
        at: first.at,
        actor: { kind: first.actor.kind, userId: first.actor.userId ?? null, role: first.actor.role ?? null },
        action: first.action,
        to: first.action === 'submitted' ? 'submitted' : null,
        note: first.note,
      },
    ],
  });
  await syncWorklist(created.toObject());
}

/** Undoes a half-saved submission (its identity could not be saved): as if never filed. */
export async function discardCase(id: Types.ObjectId): Promise<void> {
  await Case.deleteOne({ _id: id });
  await dropFromWorklist(id);
}

/** Bookkeeping flags that are not part of the lifecycle (what the reconciler looks for). */
export type CaseFlags = Partial<Pick<CaseFields, 'routingQueued' | 'noticePending' | 'splitInto' | 'splitPending' | 'supervisionPending'>>;

/** Sets bookkeeping flags; `guard` narrows which version of the case it applies to. */
export async function markCase(id: Types.ObjectId | string, flags: CaseFlags, guard: Record<string, unknown> = {}): Promise<boolean> {
  const res = await Case.updateOne({ ...guard, _id: id }, { $set: flags });
  return res.modifiedCount === 1;
}

/** Redis lost its queued jobs: every case still waiting to be routed is routed again. */
export async function markRoutingLost(): Promise<number> {
  const res = await Case.updateMany({ status: 'submitted', routingQueued: true }, { $set: { routingQueued: false } });
  return res.modifiedCount;
}

/** Records deadline steps as done (skipped ones too), so no sweep takes them again. */
export async function markStepsDone(id: Types.ObjectId | string, keys: string[]): Promise<void> {
  if (keys.length) await Case.updateOne({ _id: id }, { $addToSet: { stepsDone: { $each: keys } } });
}
