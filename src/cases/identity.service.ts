import { isObjectId } from '../platform/http/validate';
import { timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { isDuplicateKey } from '../platform/mongo';
import type { Context } from '../context';
import { NotFoundError } from '../platform/http/errors';
import { User } from '../users/user.model';
import { Case } from './case.model';
import { Complainant } from './complainant.model';
import { hashSecret, newTrackingCode, normalizeTrackingCode } from './tracking';

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
  if (!isObjectId(caseId)) throw new NotFoundError();
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

export interface GivenIdentity {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Saves who filed a case, apart from the case, with a tracking code (unique; retried on the rare
 * clash) and the hash of the secret that opens it. Answers the tracking code.
 */
export async function saveIdentity(caseId: Types.ObjectId, given: GivenIdentity, secretHash: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const trackingCode = newTrackingCode();
    try {
      await Complainant.create({
        caseId,
        anonymous: !given.name && !given.phone && !given.email,
        name: given.name ?? null,
        phone: given.phone ?? null,
        email: given.email ?? null,
        trackingCode,
        secretHash,
      });
      return trackingCode;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
  }
}

/** A part of a split case has the same filer; the filer follows the parts through the original's code. */
export async function copyIdentity(from: Types.ObjectId, to: Types.ObjectId): Promise<void> {
  const who = await Complainant.findOne({ caseId: from }).lean();
  await saveIdentity(to, { name: who?.name, phone: who?.phone, email: who?.email }, who?.secretHash ?? 'none');
}

/** The tracking code of a case (for receipts and repeated submissions). */
export async function trackingCodeOf(caseId: Types.ObjectId): Promise<string | null> {
  return (await Complainant.findOne({ caseId }, { trackingCode: 1 }).lean())?.trackingCode ?? null;
}

/**
 * Claims the one showing of a case's tracking secret on the receipt page: true the first time,
 * false ever after (atomic, so two tabs reloading at once show it once).
 */
export async function claimSecretShowing(trackingCode: string, now: Date): Promise<boolean> {
  const res = await Complainant.updateOne({ trackingCode, secretShownAt: null }, { $set: { secretShownAt: now } });
  return res.modifiedCount === 1;
}

/** The filer's email, for mails addressed to the filer only (read in the worker, never sent in a payload). */
export async function filerContact(caseId: Types.ObjectId | null | undefined): Promise<{ email: string | null; trackingCode: string } | null> {
  if (!caseId) return null;
  const who = await Complainant.findOne({ caseId }, { email: 1, trackingCode: 1 }).lean();
  return who ? { email: who.email ?? null, trackingCode: who.trackingCode } : null;
}

/**
 * Opens a case by tracking code and secret. An unknown code and a wrong secret give the same
 * answer, so the code alone reveals nothing.
 */
export async function openByTracking(code: string, secret: string): Promise<Types.ObjectId> {
  const who = await Complainant.findOne({ trackingCode: normalizeTrackingCode(code) }, { caseId: 1, secretHash: 1 }).lean();
  const given = Buffer.from(hashSecret(secret), 'hex');
  // Compare against a dummy when the code is unknown, so timing does not tell codes apart.
  const stored = Buffer.from(who?.secretHash ?? '0'.repeat(64), 'hex');
  if (!who || stored.length !== given.length || !timingSafeEqual(given, stored)) throw new NotFoundError('tracking_not_found');
  return who.caseId;
}

/**
 * The filers' own name, phone and email for each case, for one use only: masking them out of text
 * before it is shown publicly (src/transparency). Never shown or logged, so not an identity
 * reading. One query for all the cases (the server scans the collection once).
 */
export async function filerTermsForMasking(caseIds: readonly Types.ObjectId[]): Promise<Map<string, string[]>> {
  if (!caseIds.length) return new Map();
  const found = await Complainant.find({ caseId: { $in: caseIds } }, { caseId: 1, name: 1, phone: 1, email: 1 }).lean();
  return new Map(found.map((w) => [String(w.caseId), [w.name, w.phone, w.email].filter((v): v is string => !!v)]));
}

/**
 * The names, phones and emails of whoever filed these cases (the complainant and a supervisor
 * who filed for them), for checks that text written about the cases holds none of them. Never
 * shown; not a reading of the identity, so not recorded as one.
 */
export async function filerMarks(caseIds: readonly (Types.ObjectId | string)[]): Promise<string[]> {
  if (!caseIds.length) return [];
  const ids = caseIds.map((id) => new Types.ObjectId(String(id)));
  const [people, cases] = await Promise.all([
    filerTermsForMasking(ids),
    Case.find({ _id: { $in: ids }, filedBy: { $ne: null } }, { filedBy: 1 }).lean(),
  ]);
  const filers = cases.length ? await User.find({ _id: { $in: cases.map((c) => c.filedBy) }, role: 'supervisor' }, { displayName: 1, email: 1 }).lean() : [];
  // A supervisor's display name may carry a title (特邀监督员 陈明): the bare name counts too.
  const marks = [...[...people.values()].flat(), ...filers.flatMap((u) => [u.displayName, u.displayName?.trim().split(/\s+/).at(-1), u.email])];
  return [...new Set(marks.filter((m): m is string => typeof m === 'string' && m.trim().length >= 2).map((m) => m.trim()))];
}
