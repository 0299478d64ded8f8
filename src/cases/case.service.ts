import { Types } from 'mongoose';
import { tryEnqueue, type Context } from '../context';
import { createHash } from 'node:crypto';
import { AppError, NotFoundError, ServiceUnavailableError, ValidationError } from '../http/errors';
import { checkAttachments, storeAttachments, type UploadedFile } from '../intake/attachments';
import { requestNotification } from '../notifications/notification.service';
import { IntakeKey } from './intake-key.model';
import { hashSecret, newTrackingCode, newTrackingSecret } from './tracking';
import { routeCaseJob } from '../queues';
import { findActiveUnit } from '../units/unit.service';
import type { Role } from '../users/user.model';
import { countyDate } from '../clock';
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
  campaignId?: Types.ObjectId | null;
  letterId?: Types.ObjectId | null;
}

export interface IntakeOptions {
  /** A repeat with the same key (double click, client retry) returns the first submission's case. */
  idempotencyKey?: string;
  attachments?: UploadedFile[];
}

export interface Filed {
  id: string;
  number: string;
  trackingCode: string;
  /** The secret for the tracking page: shown once, only its hash is stored. */
  trackingSecret: string;
  /** True when this was a repeat of an earlier submission (same idempotency key). */
  repeated: boolean;
}

/**
 * Files a complaint from any channel. Order matters for "nothing submitted is ever lost": the
 * case and the identity are saved first, then the routing job is queued; if Redis is down the
 * case keeps routingQueued=false and the reconciler queues it later.
 */
export async function fileComplaint(ctx: Context, input: ComplaintInput, filer: Filer, opts: IntakeOptions = {}): Promise<Filed> {
  const now = ctx.clock.now();
  const [category, unit] = await Promise.all([
    Category.findOne({ code: input.categoryCode, active: true }).lean(),
    input.unitId ? findActiveUnit(input.unitId) : Promise.resolve(null),
  ]);
  const fields: Record<string, string> = {};
  if (!category) fields.categoryCode = 'unknown_category';
  if (input.unitId && !unit) fields.unitId = 'unknown_unit';
  if (input.eventDate && input.eventDate > countyDate(now, ctx.config.TZ_COUNTY)) fields.eventDate = 'future_date';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const files = checkAttachments(opts.attachments ?? []);

  const caseId = new Types.ObjectId();
  // A key belongs to whoever files with it: another filer sending the same key files their own
  // complaint and never sees this one (nor its secret, which is derived from the scoped key).
  const scopedKey = opts.idempotencyKey ? `${filer.channel}:${filer.userId ? String(filer.userId) : 'public'}:${opts.idempotencyKey}` : undefined;
  const trackingSecret = newTrackingSecret(ctx.config.SESSION_SECRET, scopedKey);
  if (scopedKey) {
    const earlier = await claimIntakeKey(scopedKey, caseId, inputHash(input, files));
    if (earlier) return { ...(await filedCase(scopedKey, earlier)), trackingSecret, repeated: true };
  }

  let trackingCode: string;
  let number: string;
  try {
    number = await nextCaseNumber(now, ctx.config.TZ_COUNTY);
    const attachments = await storeAttachments(files, caseId);
    await Case.create({
      _id: caseId,
      number,
      channel: filer.channel,
      categoryCode: category!.code,
      description: input.description,
      place: input.place ?? null,
      eventDate: input.eventDate ?? null,
      concerns: input.concerns ?? null,
      fromCitizenMet: input.fromCitizenMet ?? null,
      targetUnitId: unit?._id ?? null,
      filedBy: filer.userId ?? null,
      campaignId: filer.campaignId ?? null,
      letterId: filer.letterId ?? null,
      attachments,
      submittedAt: now,
      timeline: [
        {
          at: now,
          actor: { kind: filer.userId ? 'user' : 'citizen', userId: filer.userId ?? null },
          action: 'submitted',
          to: 'submitted',
          note: filer.channel,
        },
      ],
    });
    trackingCode = await saveIdentity(caseId, input, trackingSecret);
  } catch (err) {
    // Undo the half-saved submission (no case without its identity and tracking code), and
    // free the key so the citizen's retry files it afresh.
    await Case.deleteOne({ _id: caseId });
    if (scopedKey) await IntakeKey.deleteOne({ _id: scopedKey, caseId });
    throw err;
  }
  ctx.logger.info({ caseId: String(caseId), number, channel: filer.channel, attachments: files.length }, 'case.submitted');

  if (await tryEnqueue(ctx, routeCaseJob, { caseId: String(caseId) })) {
    await Case.updateOne({ _id: caseId }, { $set: { routingQueued: true } });
  }
  if (input.email) {
    await requestNotification(ctx, { key: `receipt:${String(caseId)}`, kind: 'complaint-receipt', caseId });
  }
  return { id: String(caseId), number, trackingCode, trackingSecret, repeated: false };
}

/** The identity, apart from the case, with a tracking code that is unique (retried on the rare clash). */
async function saveIdentity(caseId: Types.ObjectId, input: ComplaintInput, secret: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const trackingCode = newTrackingCode();
    try {
      await Complainant.create({
        caseId,
        anonymous: !input.name && !input.phone && !input.email,
        name: input.name ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        trackingCode,
        secretHash: hashSecret(secret),
      });
      return trackingCode;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
  }
}

/** Returns the case id of an earlier submission with this key, or null if this one is first. */
/** What was submitted, so a repeat of a key with different content is refused, not mistaken for a retry. */
function inputHash(input: ComplaintInput, files: { file: UploadedFile }[]): string {
  const h = createHash('sha256').update(JSON.stringify(Object.entries(input).sort()));
  for (const { file } of files) h.update(createHash('sha256').update(file.buffer).digest());
  return h.digest('hex');
}

/** Returns the case id of an earlier submission with this key, or null if this one is first. */
async function claimIntakeKey(key: string, caseId: Types.ObjectId, hash: string): Promise<Types.ObjectId | null> {
  try {
    await IntakeKey.create({ _id: key, caseId, inputHash: hash });
    return null;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const earlier = await IntakeKey.findById(key).lean();
  if (!earlier) throw new ServiceUnavailableError('intake'); // freed meanwhile: the client retries
  if (earlier.inputHash && earlier.inputHash !== hash) throw new AppError(409, 'idempotency_conflict', 'idempotency_conflict');
  return earlier.caseId;
}

async function filedCase(key: string, caseId: Types.ObjectId): Promise<Omit<Filed, 'trackingSecret' | 'repeated'>> {
  // The first request may still be saving; wait for it briefly rather than answer twice.
  for (let i = 0; i < 50; i++) {
    const [c, who] = await Promise.all([Case.findById(caseId, { number: 1 }).lean(), Complainant.findOne({ caseId }, { trackingCode: 1 }).lean()]);
    if (c && who) return { id: String(caseId), number: c.number, trackingCode: who.trackingCode };
    await new Promise((r) => setTimeout(r, 100));
  }
  // The first request died between claiming the key and saving: free the key for the next retry.
  await IntakeKey.deleteOne({ _id: key, caseId });
  throw new ServiceUnavailableError('intake');
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
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
  targetUnitId: string | null;
  deadlineDate: string | null;
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
    // Units see only cases assigned to them; which unit the filer named is the commission's business.
    targetUnitId: viewer.role === 'unit' ? null : c.targetUnitId ? String(c.targetUnitId) : null,
    deadlineDate: c.deadlineDate ?? null,
    description: c.description,
  }));
}

export async function getCaseFor(viewer: Viewer, id: string) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const c = await Case.findOne({ _id: id, ...caseScope(viewer) }).lean();
  if (!c) throw new NotFoundError();
  return c;
}
