import { createHash, createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import type { Context } from '../context';
import { countyDate } from '../clock';
import { getCaseNumber } from '../cases/case.service';
import { nextCaseNumber } from '../cases/case.numbers';
import type { Channel } from '../cases/case.states';
import { createCase, discardCase, markCase } from '../cases/case.store';
import { findActiveCategory } from '../cases/category.service';
import { saveIdentity, trackingCodeOf } from '../cases/identity.service';
import { hashSecret, newTrackingSecret } from '../cases/tracking';
import { checkAttachments, storeAttachments, type UploadedFile } from '../platform/files/attachments';
import { AppError, ServiceUnavailableError, ValidationError } from '../platform/http/errors';
import { tryEnqueue } from '../platform/jobs/enqueue';
import { requestMail } from '../platform/mail/outbox';
import { isDuplicateKey } from '../platform/mongo';
import type { Role } from '../platform/roles';
import { routeCaseJob } from '../routing/route-case.job';
import { findActiveUnit } from '../units/unit.service';
import type { ComplaintInput } from './complaint.schemas';
import { IntakeKey } from './intake-key.model';

export interface Filer {
  channel: Channel;
  userId?: Types.ObjectId | null;
  role?: Role | null;
  campaignId?: Types.ObjectId | null;
  letterId?: Types.ObjectId | null;
}

export interface IntakeOptions {
  /** A repeat with the same key (double click, client retry) returns the first submission's case. */
  idempotencyKey?: string;
  /**
   * The public form's per-browser nonce (a cookie set with the form). The key sits in the form's
   * HTML, so anyone who saw the page could send it; bound to the browser that filed, a repeat
   * from another browser files its own complaint and never gets the first receipt.
   */
  browser?: string;
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
 * case and the identity are saved first, then the routing job is queued. The case is saved as
 * queued (routingQueued); if Redis is down it is marked not queued and the reconciler queues it
 * later; if the process dies before queueing, the reconciler finds it by its age (REQUEUE_AFTER_MS).
 */
export async function fileComplaint(ctx: Context, input: ComplaintInput, filer: Filer, opts: IntakeOptions = {}): Promise<Filed> {
  const now = ctx.clock.now();
  const [category, unit] = await Promise.all([findActiveCategory(input.categoryCode), input.unitId ? findActiveUnit(input.unitId) : Promise.resolve(null)]);
  const fields: Record<string, string> = {};
  if (!category) fields.categoryCode = 'unknown_category';
  if (input.unitId && !unit) fields.unitId = 'unknown_unit';
  if (input.eventDate && input.eventDate > countyDate(now, ctx.config.TZ_COUNTY)) fields.eventDate = 'future_date';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const files = checkAttachments(opts.attachments ?? []);

  const caseId = new Types.ObjectId();
  // A key belongs to whoever files with it: another filer sending the same key files their own
  // complaint and never sees this one (nor its secret, which is derived from the scoped key).
  const scopedKey = opts.idempotencyKey ? idempotencyScope(ctx.config.SESSION_SECRET, filer, opts.browser) + opts.idempotencyKey : undefined;
  const trackingSecret = newTrackingSecret(ctx.config.SESSION_SECRET, scopedKey);
  if (scopedKey) {
    const earlier = await claimIntakeKey(scopedKey, caseId, inputHash(input, files));
    if (earlier) return { ...(await filedCase(scopedKey, earlier)), trackingSecret, repeated: true };
  }

  let trackingCode: string;
  let number: string;
  try {
    number = await nextCaseNumber(now, ctx.config.TZ_COUNTY);
    const attachments = await storeAttachments(ctx, files, caseId);
    await createCase(
      {
        _id: caseId,
        number,
        channel: filer.channel,
        categoryCode: category!.code,
        description: input.description,
        place: input.place ?? null,
        location: input.location ? { type: 'Point', coordinates: [input.location.long, input.location.lat] } : null,
        addressId: input.addressId ?? null,
        eventDate: input.eventDate ?? null,
        concerns: input.concerns ?? null,
        fromCitizenMet: input.fromCitizenMet ?? null,
        targetUnitId: unit?._id ?? null,
        filedBy: filer.userId ?? null,
        campaignId: filer.campaignId ?? null,
        letterId: filer.letterId ?? null,
        attachments,
        submittedAt: now,
        routingQueued: true,
      },
      { at: now, actor: filer.userId ? { kind: 'user', userId: filer.userId, role: filer.role ?? null } : { kind: 'citizen' }, action: 'submitted', note: filer.channel },
    );
    trackingCode = await saveIdentity(caseId, input, hashSecret(trackingSecret));
  } catch (err) {
    // Undo the half-saved submission (no case without its identity and tracking code), and
    // free the key so the citizen's retry files it afresh.
    await discardCase(caseId);
    if (scopedKey) await IntakeKey.deleteOne({ _id: scopedKey, caseId });
    throw err;
  }
  ctx.logger.info({ caseId: String(caseId), number, channel: filer.channel, attachments: files.length }, 'case.submitted');

  // Side by side: with Redis frozen each waits out its enqueue timeout, and the filer should wait
  // that long once, not once per job.
  await Promise.all([
    (async () => {
      if (!(await tryEnqueue(ctx, routeCaseJob, { caseId: String(caseId) }))) await markCase(caseId, { routingQueued: false });
    })(),
    input.email ? requestMail(ctx, { key: `receipt:${String(caseId)}`, kind: 'complaint-receipt', caseId, data: { number } }) : undefined,
  ]);
  return { id: String(caseId), number, trackingCode, trackingSecret, repeated: false };
}

/**
 * Whose key it is: the channel, the filer's account (token clients: their user) and, for the
 * public form, the browser. The browser's nonce is HMAC'd so the stored key does not carry the
 * cookie's value.
 */
function idempotencyScope(serverSecret: string, filer: Filer, browser: string | undefined): string {
  const who = filer.userId ? String(filer.userId) : 'public';
  const tag = browser ? `b.${createHmac('sha256', serverSecret).update(`intake-browser:${browser}`).digest('base64url').slice(0, 22)}:` : '';
  return `${filer.channel}:${who}:${tag}`;
}

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
    const [number, trackingCode] = await Promise.all([getCaseNumber(caseId), trackingCodeOf(caseId)]);
    if (number && trackingCode) return { id: String(caseId), number, trackingCode };
    await new Promise((r) => setTimeout(r, 100));
  }
  // The first request died between claiming the key and saving: free the key for the next retry.
  await IntakeKey.deleteOne({ _id: key, caseId });
  throw new ServiceUnavailableError('intake');
}
