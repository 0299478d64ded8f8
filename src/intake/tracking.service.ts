import { timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Context } from '../context';
import { AppError, NotFoundError } from '../http/errors';
import { Case } from '../cases/case.model';
import { FINAL_STATES, RATEABLE_STATES, type Satisfaction } from '../cases/case.states';
import { Complainant } from '../cases/complainant.model';
import { hashSecret, normalizeTrackingCode } from '../cases/tracking';
import { Unit } from '../units/unit.model';

/**
 * Opens a case by tracking code and secret. An unknown code and a wrong secret give the same
 * answer, so the code alone reveals nothing.
 */
export async function openByTracking(code: string, secret: string): Promise<Types.ObjectId> {
  const who = await Complainant.findOne({ trackingCode: normalizeTrackingCode(code) }, { caseId: 1, secretHash: 1 }).lean();
  const given = Buffer.from(hashSecret(secret), 'hex');
  // Compare against a dummy when the code is unknown, so timing does not tell codes apart.
  const stored = Buffer.from(who?.secretHash ?? '0'.repeat(64), 'hex');
  if (!who || !timingSafeEqual(given, stored)) throw new NotFoundError('tracking_not_found');
  return who.caseId;
}

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
  canRate: boolean;
  canSupplement: boolean;
}

/** What the filer sees: status, a plain timeline, the unit's published reply. No staff notes. */
export async function trackingView(caseId: Types.ObjectId): Promise<TrackingView> {
  const c = await Case.findById(caseId).lean();
  if (!c) throw new NotFoundError('tracking_not_found');
  const unit = c.assignedUnitId ? await Unit.findById(c.assignedUnitId).lean() : null;
  const children = c.splitInto?.length ? await Case.find({ number: { $in: c.splitInto } }).sort({ number: 1 }).lean() : [];
  const childUnits = await Unit.find({ _id: { $in: children.map((x) => x.assignedUnitId).filter(Boolean) } }).lean();
  const parts = children.map((x) => {
    const u = childUnits.find((cu) => String(cu._id) === String(x.assignedUnitId));
    return { number: x.number, status: x.status, unitName: u ? { zh: u.nameZh, en: u.nameEn } : null, deadline: x.deadlineDate ?? null };
  });
  return {
    number: c.number,
    status: c.status,
    submittedAt: c.submittedAt,
    unitName: unit ? { zh: unit.nameZh, en: unit.nameEn } : null,
    timeline: c.timeline.map((e) => ({ at: e.at, action: e.action, to: e.to ?? null })),
    supplements: (c.supplements ?? []).map((s) => ({ at: s.at!, text: s.text! })),
    publicReply: c.publicReply?.text ? { at: c.publicReply.at!, text: c.publicReply.text } : null,
    satisfaction: c.satisfaction?.rating ? { rating: c.satisfaction.rating, comment: c.satisfaction.comment ?? null, at: c.satisfaction.at! } : null,
    rejection: c.rejection?.reason ? { reason: c.rejection.reason, note: c.rejection.note ?? null, duplicateOf: c.rejection.duplicateOf ?? null } : null,
    parts,
    deadline: c.status === 'assigned' || c.status === 'acknowledged' ? (c.deadlineDate ?? null) : null,
    canRate: RATEABLE_STATES.includes(c.status) && !c.satisfaction?.rating,
    canSupplement: !FINAL_STATES.includes(c.status),
  };
}

export async function addSupplement(ctx: Pick<Context, 'clock' | 'logger'>, caseId: Types.ObjectId, text: string): Promise<void> {
  const now = ctx.clock.now();
  const res = await Case.updateOne(
    { _id: caseId, status: { $nin: FINAL_STATES } },
    {
      $push: {
        supplements: { at: now, text },
        timeline: { at: now, actor: { kind: 'citizen' }, action: 'supplemented' },
      },
    },
  );
  if (res.modifiedCount !== 1) throw new AppError(409, 'case_closed', 'case_closed');
  ctx.logger.info({ caseId: String(caseId) }, 'case.supplemented');
}

/** One rating per case, only once it is resolved; claimed atomically. */
export async function rateCase(
  ctx: Pick<Context, 'clock' | 'logger'>,
  caseId: Types.ObjectId,
  rating: Satisfaction,
  comment: string | undefined,
): Promise<void> {
  const now = ctx.clock.now();
  const claimed = await Case.findOneAndUpdate(
    { _id: caseId, status: { $in: RATEABLE_STATES }, satisfaction: null },
    {
      $set: { satisfaction: { at: now, rating, comment: comment ?? null } },
      $push: { timeline: { at: now, actor: { kind: 'citizen' }, action: 'rated', note: rating } },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) throw new AppError(409, 'not_rateable', 'not_rateable');
  ctx.logger.info({ caseId: String(caseId), rating }, 'case.rated');
}
