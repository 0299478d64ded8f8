import { Types } from 'mongoose';
import type { Context } from '../context';
import { NotFoundError } from '../http/errors';
import { Complainant } from './complainant.model';

export interface Identity {
  anonymous: boolean;
  name: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * Shows commission staff who filed a case. Every reading is recorded on the identity record
 * (who, when, why) before anything is returned, and logged without the identity itself.
 */
export async function revealIdentity(ctx: Pick<Context, 'clock' | 'logger'>, caseId: string, userId: Types.ObjectId, reason: string): Promise<Identity> {
  if (!Types.ObjectId.isValid(caseId)) throw new NotFoundError();
  const who = await Complainant.findOneAndUpdate(
    { caseId },
    { $push: { identityReads: { at: ctx.clock.now(), userId, reason } } },
    { returnDocument: 'after' },
  ).lean();
  if (!who) throw new NotFoundError();
  ctx.logger.info({ caseId, userId: String(userId) }, 'identity.read');
  return { anonymous: who.anonymous, name: who.name ?? null, phone: who.phone ?? null, email: who.email ?? null };
}

/** How often and by whom the identity was read (shown on the case to commission staff). */
export async function identityReads(caseId: Types.ObjectId) {
  const who = await Complainant.findOne({ caseId }, { identityReads: 1, anonymous: 1 }).lean();
  return { anonymous: who?.anonymous ?? true, reads: who?.identityReads ?? [] };
}
