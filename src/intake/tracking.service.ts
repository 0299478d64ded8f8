import type { Types } from 'mongoose';
import type { Context } from '../context';
import { recordEvent } from '../cases/case.lifecycle';
import { findCase, findCasesByNumbers } from '../cases/case.service';
import { HANDLING_STATES, RATEABLE_STATES, SUPPLEMENTABLE_STATES } from '../cases/case.states';
import { CITIZEN, FILER_VISIBLE_ACTIONS } from '../cases/case.timeline';
import { ConflictError, NotFoundError } from '../platform/http/errors';
import { answerOpenQuestion } from '../rectification/questions.service';
import { unitNamesById } from '../units/unit.service';

export { openByTracking } from '../cases/identity.service';

export interface TrackingView {
  number: string;
  status: string;
  submittedAt: Date;
  unitName: { zh: string; en: string } | null;
  timeline: { at: Date; action: string; to: string | null }[];
  supplements: { at: Date; text: string }[];
  publicReply: { at: Date; text: string } | null;
  satisfaction: { rating: string; comment: string | null; at: Date } | null;
  rejection: { reason: string; note: string | null; duplicateOf: string | null } | null;
  deadline: string | null;
  /** When the commission split the submission: each part's number, status, unit and deadline. */
  parts: { number: string; status: string; unitName: { zh: string; en: string } | null; deadline: string | null }[];
  /** The unit's open question to the filer: the case waits for the answer (given as a supplement). */
  question: { at: Date; text: string } | null;
  canRate: boolean;
  canSupplement: boolean;
}

/** What the filer sees: status, a plain timeline, the unit's published reply. No staff notes. */
export async function trackingView(caseId: Types.ObjectId): Promise<TrackingView> {
  const c = await findCase(caseId);
  if (!c) throw new NotFoundError('tracking_not_found');
  const children = await findCasesByNumbers(c.splitInto ?? []);
  const names = await unitNamesById();
  const unitName = (id: Types.ObjectId | null | undefined) => {
    const u = id ? names.get(String(id)) : undefined;
    return u ? { zh: u.nameZh, en: u.nameEn } : null;
  };
  const parts = children.map((x) => ({ number: x.number, status: x.status, unitName: unitName(x.assignedUnitId), deadline: x.deadlineDate ?? null }));
  return {
    number: c.number,
    status: c.status,
    submittedAt: c.submittedAt,
    unitName: unitName(c.assignedUnitId),
    timeline: c.timeline.filter((e) => FILER_VISIBLE_ACTIONS.includes(e.action)).map((e) => ({ at: e.at, action: e.action, to: e.to ?? null })),
    supplements: (c.supplements ?? []).map((s) => ({ at: s.at!, text: s.text! })),
    publicReply: c.publicReply?.text ? { at: c.publicReply.at!, text: c.publicReply.text } : null,
    satisfaction: c.satisfaction?.rating ? { rating: c.satisfaction.rating, comment: c.satisfaction.comment ?? null, at: c.satisfaction.at! } : null,
    rejection: c.rejection?.reason ? { reason: c.rejection.reason, note: c.rejection.note ?? null, duplicateOf: c.rejection.duplicateOf ?? null } : null,
    parts,
    deadline: HANDLING_STATES.includes(c.status) ? (c.deadlineDate ?? null) : null,
    question: c.question?.text ? { at: c.question.at!, text: c.question.text } : null,
    canRate: RATEABLE_STATES.includes(c.status) && !c.satisfaction?.rating,
    canSupplement: SUPPLEMENTABLE_STATES.includes(c.status),
  };
}

/** The filer adds information; it answers the unit's open question, if there is one. */
export async function addSupplement(ctx: Context, caseId: Types.ObjectId, text: string): Promise<void> {
  try {
    await recordEvent(ctx, caseId, 'supplemented', CITIZEN, SUPPLEMENTABLE_STATES, { push: { supplements: { at: ctx.clock.now(), text } } });
  } catch (err) {
    if (err instanceof ConflictError) throw new ConflictError('case_closed');
    throw err;
  }
  await answerOpenQuestion(ctx, caseId, text);
}

export { rateCase } from '../rectification/followup.service';
