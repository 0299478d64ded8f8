import type { Request } from 'express';
import type { Types } from 'mongoose';
import type { CaseLean } from '../cases/case.model';
import { getCaseFor, type Viewer } from '../cases/case.service';
import { userActor, type Actor } from '../cases/case.timeline';
import { ForbiddenError } from '../platform/http/errors';
import type { Role } from '../platform/roles';

/** Who acts on a case: the user, their role and (for unit staff) their unit. */
export interface Handler {
  id: Types.ObjectId;
  role: Role;
  unitId: Types.ObjectId | null;
}

export function handlerOf(req: Request): Handler {
  return { id: req.user!.id, role: req.user!.role, unitId: req.user!.unitId };
}

export function actorOf(h: Handler): Actor {
  return userActor(h);
}

function viewerOf(h: Handler): Viewer {
  return { role: h.role, userId: h.id, unitId: h.unitId };
}

/**
 * The case as the unit's staff may act on it: read through the unit's scope, so another unit's
 * case is a plain 404 (nothing tells that it exists). The guard makes the claim hold only while
 * the case is still this unit's.
 */
export async function unitsCase(h: Handler, caseId: string): Promise<{ c: CaseLean; guard: Record<string, unknown> }> {
  if (h.role !== 'unit' || !h.unitId) throw new ForbiddenError();
  const c = await getCaseFor(viewerOf(h), caseId);
  return { c, guard: { assignedUnitId: h.unitId } };
}

/** The case as commission staff act on it (administrators look, they do not decide). */
export async function commissionsCase(h: Handler, caseId: string): Promise<CaseLean> {
  if (h.role !== 'commission') throw new ForbiddenError();
  return getCaseFor(viewerOf(h), caseId);
}
