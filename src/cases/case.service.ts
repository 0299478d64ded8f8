import { Types } from 'mongoose';
import { tryEnqueue, type Context } from '../context';
import { NotFoundError, ValidationError } from '../http/errors';
import { routeCaseJob } from '../queues';
import { findActiveUnit } from '../units/unit.service';
import type { Role } from '../users/user.model';
import { Case, type CaseFields } from './case.model';
import { nextCaseNumber } from './case.numbers';
import type { ComplaintInput } from './case.schemas';
import type { Channel } from './case.states';
import { UNIT_VISIBLE_STATES } from './case.states';
import { Category } from './category.model';
import { Complainant } from './complainant.model';

export interface Filer {
  channel: Channel;
  userId?: Types.ObjectId | null;
}

/**
 * Files a complaint. Order matters for "nothing submitted is ever lost": the case and the
 * identity are saved first, then the routing job is queued; if Redis is down the case keeps
 * routingQueued=false and the reconciler queues it later.
 */
export async function fileComplaint(ctx: Context, input: ComplaintInput, filer: Filer) {
  const [category, unit] = await Promise.all([
    Category.findOne({ code: input.categoryCode, active: true }).lean(),
    input.unitId ? findActiveUnit(input.unitId) : Promise.resolve(null),
  ]);
  const fields: Record<string, string> = {};
  if (!category) fields.categoryCode = 'unknown_category';
  if (input.unitId && !unit) fields.unitId = 'unknown_unit';
  if (Object.keys(fields).length) throw new ValidationError(fields);

  const now = ctx.clock.now();
  const caseId = new Types.ObjectId();
  const number = await nextCaseNumber(now, ctx.config.TZ_COUNTY);
  await Case.create({
    _id: caseId,
    number,
    channel: filer.channel,
    categoryCode: category!.code,
    description: input.description,
    place: input.place ?? null,
    targetUnitId: unit?._id ?? null,
    filedBy: filer.userId ?? null,
    submittedAt: now,
    timeline: [
      {
        at: now,
        actor: { kind: filer.userId ? 'user' : 'citizen', userId: filer.userId ?? null },
        action: 'submitted',
        to: 'submitted',
      },
    ],
  });
  const anonymous = !input.name && !input.phone && !input.email;
  await Complainant.create({
    caseId,
    anonymous,
    name: input.name ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
  });
  ctx.logger.info({ caseId: String(caseId), number, channel: filer.channel }, 'case.submitted');

  if (await tryEnqueue(ctx, routeCaseJob, { caseId: String(caseId) })) {
    await Case.updateOne({ _id: caseId }, { $set: { routingQueued: true } });
  }
  return { id: String(caseId), number };
}

export interface Viewer {
  role: Role;
  userId: Types.ObjectId;
  unitId?: Types.ObjectId | null;
}

/** The fields a viewer may read; every query for cases goes through this scope. */
export function caseScope(viewer: Viewer): Record<string, unknown> {
  switch (viewer.role) {
    case 'commission':
    case 'admin':
      return {};
    case 'unit':
      if (!viewer.unitId) return { _id: null };
      return { assignedUnitId: viewer.unitId, status: { $in: UNIT_VISIBLE_STATES } };
    case 'supervisor':
      return { filedBy: viewer.userId };
  }
}

export type CaseListItem = Pick<CaseFields, 'number' | 'status' | 'categoryCode' | 'channel' | 'submittedAt'> & {
  id: string;
  assignedUnitId: string | null;
  description: string;
};

export async function listCases(viewer: Viewer, limit = 50): Promise<CaseListItem[]> {
  const cases = await Case.find(caseScope(viewer)).sort({ submittedAt: -1 }).limit(limit).lean();
  return cases.map((c) => ({
    id: String(c._id),
    number: c.number,
    status: c.status,
    categoryCode: c.categoryCode,
    channel: c.channel,
    submittedAt: c.submittedAt,
    assignedUnitId: c.assignedUnitId ? String(c.assignedUnitId) : null,
    description: c.description,
  }));
}

export async function getCaseFor(viewer: Viewer, id: string) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const c = await Case.findOne({ _id: id, ...caseScope(viewer) }).lean();
  if (!c) throw new NotFoundError();
  return c;
}
