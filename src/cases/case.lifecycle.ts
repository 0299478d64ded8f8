import type { Types, UpdateQuery } from 'mongoose';
import type { Context } from '../context';
import { ConflictError, NotFoundError } from '../platform/http/errors';
import { isObjectId } from '../platform/http/validate';
import { Case, type CaseFields, type CaseLean } from './case.model';
import { TRANSITIONS, type CaseState, type TransitionName } from './case.states';
import type { Actor, EventDetails, TimelineAction } from './case.timeline';
import { syncWorklist } from './worklist';

/** Fields a change may set besides the state; `status` only ever comes from the transition. */
export type CaseSet = Record<string, unknown> & { status?: never; timeline?: never; _id?: never };

export interface CaseChange {
  /** Narrows the states the change may start from (a subset of the transition's). */
  only?: readonly CaseState[];
  /** Conditions besides the state that must still hold (e.g. the assignment the user saw). */
  guard?: Record<string, unknown>;
  set?: CaseSet;
  inc?: Record<string, number>;
  /** Appends to arrays other than the timeline. */
  push?: Record<string, unknown>;
  addToSet?: Record<string, unknown>;
  event?: EventDetails;
  /**
   * The state the caller just read the case in (it holds the document): the claim is tried on it
   * without reading the state again; if the case moved meanwhile, it is read and tried as usual.
   */
  knownStatus?: CaseState;
  /**
   * The caller changes this case again right away (the routing job: assign, then the notice),
   * and the listeners of that change see both: they are not run for this one. The mark this claim
   * sets (`derivedStaleAt`) stays until that change's listeners clear it, so should the second
   * change never come (crash, conflict), the reconciler's refresh-derived job runs them.
   */
  deferListeners?: boolean;
}

type Id = string | Types.ObjectId;

/**
 * Called after every change a case goes through (transition or event), with the case as it is
 * now: how other features keep their own derived records in step (escalation's watch list)
 * without the features that change cases knowing about them. Registered once by the composition
 * root. A listener that fails is logged, not rethrown: the change itself is saved.
 */
export type CaseListener = (ctx: ListenerContext, c: CaseLean) => Promise<void>;
type ListenerContext = Pick<Context, 'clock' | 'logger' | 'config'>;
const listeners: CaseListener[] = [];
/** The worklist the lists read (worklist.ts) is the gate's own derived record: always first. */
const worklist: CaseListener = (_ctx, c) => syncWorklist(c);

export function onCaseChange(listener: CaseListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/**
 * Runs the listeners for the case as it is now. Every change marks the case `derivedStaleAt` in
 * its own atomic update; only when every listener succeeded is the mark cleared (for that very
 * change), so a listener that failed (database hiccup, crash) leaves the mark, and the
 * refresh-derived job, found by the reconciler, runs the listeners again later.
 */
async function notify(ctx: ListenerContext, c: CaseLean): Promise<boolean> {
  let ok = true;
  for (const listener of [worklist, ...listeners]) {
    try {
      await listener(ctx, c);
    } catch (err) {
      ok = false;
      ctx.logger.error({ caseId: String(c._id), err: (err as Error).message }, 'case.listener_failed');
    }
  }
  if (ok && c.derivedStaleAt) await Case.updateOne({ _id: c._id, derivedStaleAt: c.derivedStaleAt }, { $set: { derivedStaleAt: null } });
  return ok;
}

/** Runs the listeners again for a case whose derived records may be stale (the refresh-derived job). */
export async function refreshDerived(ctx: ListenerContext, caseId: Id): Promise<boolean> {
  const c = await Case.findById(caseId).lean<CaseLean>();
  return c ? notify(ctx, c) : true;
}

/**
 * The one gate for state changes. Claims the transition atomically on the states it may start
 * from (one findOneAndUpdate: of two people acting at once, one wins), appends the typed timeline
 * event, logs it, and answers the case as it is now. A case no longer in an allowed state, or no
 * longer meeting the guard, is a ConflictError (409 `invalid_state`); an unknown case is 404.
 */
export async function transition(ctx: ListenerContext, caseId: Id, name: TransitionName, actor: Actor, change: CaseChange & { action?: TimelineAction } = {}): Promise<CaseLean> {
  const { to } = TRANSITIONS[name];
  const from = change.only ? TRANSITIONS[name].from.filter((s) => change.only!.includes(s)) : TRANSITIONS[name].from;
  const action = change.action ?? (name as TimelineAction);
  const claimed = await claim(ctx, caseId, from, { ...change, set: { ...change.set, status: to } as Record<string, unknown> }, actor, action, to);
  ctx.logger.info({ caseId: String(caseId), transition: name, to, actor: actor.kind, role: actor.role ?? undefined }, `case.${action}`);
  if (!change.deferListeners) await notify(ctx, claimed);
  return claimed;
}

/**
 * An event that does not change the state (a supplement, a rating, a contact): allowed only in
 * the given states, claimed and appended the same way.
 */
export async function recordEvent(ctx: ListenerContext, caseId: Id, action: TimelineAction, actor: Actor, states: readonly CaseState[], change: CaseChange = {}): Promise<CaseLean> {
  const claimed = await claim(ctx, caseId, states, change, actor, action, null);
  ctx.logger.info({ caseId: String(caseId), actor: actor.kind, role: actor.role ?? undefined }, `case.${action}`);
  await notify(ctx, claimed);
  return claimed;
}

async function claim(
  ctx: Pick<Context, 'clock'>,
  caseId: Id,
  states: readonly CaseState[],
  change: Omit<CaseChange, 'set'> & { set?: Record<string, unknown> },
  actor: Actor,
  action: TimelineAction,
  to: CaseState | null,
): Promise<CaseLean> {
  if (!isObjectId(String(caseId))) throw new NotFoundError();
  // Claimed on the exact state just read, so the event's "from" is true; if someone else moved
  // the case meanwhile to another allowed state, try again on that one.
  let known = change.knownStatus;
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = known ? { status: known } : await Case.findById(caseId, { status: 1 }).lean();
    known = undefined;
    if (!current) throw new NotFoundError();
    if (!states.includes(current.status)) throw new ConflictError();
    const now = ctx.clock.now();
    const update: UpdateQuery<CaseFields> = {
      $push: {
        ...change.push,
        timeline: {
          at: now,
          actor: { kind: actor.kind, userId: actor.userId ?? null, role: actor.role ?? null },
          action,
          from: to ? current.status : null,
          to,
          unitId: change.event?.unitId ?? null,
          note: change.event?.note ?? null,
          data: change.event?.data ?? null,
        },
      },
    };
    // Derived records (listeners) are stale from this change until they are refreshed.
    update.$set = { ...change.set, derivedStaleAt: now };
    if (change.inc) update.$inc = change.inc;
    if (change.addToSet) update.$addToSet = change.addToSet;
    const claimed = await Case.findOneAndUpdate({ ...change.guard, _id: caseId, status: current.status }, update, { returnDocument: 'after' }).lean<CaseLean>();
    if (claimed) return claimed;
    // Still in the same state, so the guard no longer holds (e.g. someone re-assigned it).
    const again = await Case.findById(caseId, { status: 1 }).lean();
    if (!again || again.status === current.status) throw new ConflictError();
  }
  throw new ConflictError();
}
