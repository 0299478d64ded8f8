import { Types } from 'mongoose';
import { localName } from '../platform/names';
import { userFromToken } from '../auth/auth.service';
import { Case, type CaseFields } from '../cases/case.model';
import { fileComplaint, type Filed } from '../intake/filing.service';
import { OPEN311_CLOSED_STATES, OPEN311_OPEN_STATES } from '../cases/case.states';
import { Category } from '../cases/category.model';
import type { Context } from '../context';
import { AppError, NotFoundError, ValidationError } from '../platform/http/errors';
import { translator, type Lang } from '../i18n';
import { idempotencyKey } from '../intake/intake.schemas';
import { Unit } from '../units/unit.model';
import type { CurrentUser } from '../types/express';
import { w3cDateTime } from './open311.dates';
import { open311Fields, specFields } from './open311.errors';
import { CASE_NUMBER, MAX_REQUESTS, joinName, postRequestInput, requestsQuery, splitAttributes } from './open311.schemas';

// Open311 GeoReport v2 over our cases: a service is an active complaint category, a service
// request is a case, its service_request_id the case number. Reads are public, as in the spec,
// so they show only the fields the spec lists and nothing of the complainant.

export type Open311Status = 'open' | 'closed';

export function open311Status(state: string): Open311Status {
  return (OPEN311_CLOSED_STATES as readonly string[]).includes(state) ? 'closed' : 'open';
}

/** Default window and the longest span allowed (spec: "Response Volume"). */
export const WINDOW_DAYS = 90;
const DAY_MS = 24 * 3600 * 1000;

const SERVICE_GROUP: Record<Lang, string> = { 'zh-CN': '投诉', en: 'complaint' };
const SERVICE_NOTICE: Record<Lang, string> = {
  'zh-CN': '县纪委监委已受理，将转交责任单位限期办理并跟踪督办。',
  en: 'Received by the county discipline inspection commission; it will be referred to the responsible unit with a deadline and followed up.',
};

export type Open311Service = {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
};

type CategoryNames = { code: string; nameZh: string; nameEn: string };

function serviceOf(c: CategoryNames, lang: Lang): Open311Service {
  const [name, other] = lang === 'en' ? [c.nameEn, c.nameZh] : [c.nameZh, c.nameEn];
  return {
    service_code: c.code,
    service_name: name,
    // Categories carry no description of their own; both names say what belongs there.
    description: `${name} / ${other}`,
    // No extra form fields (attributes) for any category: no need to call the definition.
    metadata: false,
    // We answer POST with the case number at once; no batch tokens to poll.
    type: 'realtime',
    keywords: [c.code, other].join(', '),
    group: SERVICE_GROUP[lang],
  };
}

export async function listServices(lang: Lang): Promise<Open311Service[]> {
  const cats = await Category.find({ active: true }).sort({ order: 1, code: 1 }).lean();
  return cats.map((c) => serviceOf(c, lang));
}

export async function serviceDefinition(code: string): Promise<{ service_code: string; attributes: never[] }> {
  const c = await Category.findOne({ code, active: true }).lean();
  if (!c) throw new NotFoundError(`service_code ${code} was not found`);
  return { service_code: c.code, attributes: [] };
}

/**
 * The api_key is one of our API tokens; only commission staff and special supervisors file on
 * someone's behalf (as on POST /api/v1/complaints). The spec answers every key problem with 403.
 */
async function filerFromKey(apiKey: unknown): Promise<CurrentUser> {
  if (typeof apiKey !== 'string' || !apiKey.trim()) throw new AppError(403, 'forbidden', 'api_key is missing -- can\'t proceed with create_request');
  const user = await userFromToken(apiKey.trim());
  if (!user) throw new AppError(403, 'forbidden', 'Invalid api_key received -- can\'t proceed with create_request');
  if (user.role !== 'commission' && user.role !== 'supervisor') {
    throw new AppError(403, 'forbidden', 'this api_key may not create requests (commission or supervisor accounts only)');
  }
  return user;
}

/**
 * Reading requests needs a commission or administrator key. The spec leaves reads public, but
 * here a request is a complaint about officials: its text can name people, so it is never public.
 * Citizens follow their own complaint with its tracking code and secret instead.
 */
export async function readerFromKey(apiKey: unknown): Promise<CurrentUser> {
  if (typeof apiKey !== 'string' || !apiKey.trim()) throw new AppError(403, 'forbidden', 'api_key is required to read requests');
  const user = await userFromToken(apiKey.trim());
  if (!user || (user.role !== 'commission' && user.role !== 'admin')) throw new AppError(403, 'forbidden', 'this api_key may not read requests (commission or administrator accounts only)');
  return user;
}

export interface PostRequest {
  body: unknown;
  query: Record<string, unknown>;
  /** The Idempotency-Key header, if any. */
  idempotencyKey?: string;
  lang: Lang;
}

export type PostResponse = { service_request_id: string; service_notice: string; account_id: null }[];

/**
 * POST requests: authenticate the key, check the spec's fields (every error at once), then file
 * through the same path as every other channel. The identity goes to fileComplaint, which stores
 * it apart from the case.
 */
export async function submitRequest(ctx: Context, req: PostRequest): Promise<{ filed: Filed; response: PostResponse }> {
  const { api_key: bodyKey, ...rest } = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const user = await filerFromKey(bodyKey ?? req.query.api_key);

  const { fields, attributeErrors } = splitAttributes(rest);
  const parsed = postRequestInput.safeParse(fields);
  const errors = { ...(parsed.success ? {} : open311Fields(parsed.error.issues)), ...attributeErrors };
  let key: string | undefined;
  if (req.idempotencyKey !== undefined) {
    // Refused rather than ignored: a client that believes its retries are safe must learn they are not.
    const k = idempotencyKey.safeParse(req.idempotencyKey);
    if (k.success) key = k.data;
    else errors['Idempotency-Key'] = 'invalid';
  }
  if (!parsed.success || Object.keys(errors).length) throw new ValidationError(errors);

  const v = parsed.data;
  // The case has one place field: the address as given, else the coordinates as "lat,long".
  const place = v.address_string ?? (v.lat !== undefined && v.long !== undefined ? `${v.lat},${v.long}` : undefined);
  let filed: Filed;
  try {
    filed = await fileComplaint(
      ctx,
      { categoryCode: v.service_code, description: v.description, place, name: joinName(v.first_name, v.last_name), phone: v.phone, email: v.email },
      { channel: 'open311', userId: user.id },
      { idempotencyKey: key },
    );
  } catch (err) {
    // fileComplaint names our fields (categoryCode); the client knows the spec's (service_code).
    if (err instanceof ValidationError) throw new ValidationError(specFields(err.fields ?? {}));
    throw err;
  }
  return { filed, response: [{ service_request_id: filed.number, service_notice: SERVICE_NOTICE[req.lang], account_id: null }] };
}

export type Open311Request = {
  service_request_id: string;
  status: Open311Status;
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: null;
  long: null;
  media_url: null;
};

type CaseLean = CaseFields & { _id: Types.ObjectId };

/**
 * The deadline, read from the raw document: the case model has no deadline yet, and a lean read
 * returns stored fields the schema does not know, so a `deadlineAt: Date` added later shows up
 * here without a change.
 */
function deadlineOf(c: object): Date | null {
  const v = (c as Record<string, unknown>).deadlineAt;
  return v instanceof Date && !Number.isNaN(v.getTime()) ? v : null;
}

/** Last change: when it was closed for a closed request (spec), else the latest timeline event. */
function updatedOf(c: CaseLean): Date {
  const events = c.timeline ?? [];
  if (open311Status(c.status) === 'closed') {
    const closing = [...events].reverse().find((e) => e.to === c.status);
    if (closing) return closing.at;
  }
  return events.reduce<Date>((latest, e) => (e.at > latest ? e.at : latest), c.submittedAt);
}

/**
 * Case → spec fields. Deliberately a whitelist: nothing of the complainant (kept in its own
 * collection, never read here), no filer, channel, attachments, replies or staff notes.
 * We keep no coordinates, address ids, post codes or public media, so those are empty.
 */
async function toRequests(ctx: Context, cases: CaseLean[], lang: Lang): Promise<Open311Request[]> {
  const unitIds = [...new Set(cases.map((c) => c.assignedUnitId).filter((id): id is Types.ObjectId => !!id).map(String))];
  const codes = [...new Set(cases.map((c) => c.categoryCode))];
  const [units, categories] = await Promise.all([
    unitIds.length ? Unit.find({ _id: { $in: unitIds } }, { nameZh: 1, nameEn: 1 }).lean() : Promise.resolve([]),
    // Inactive categories too: an old case keeps the name it was filed under.
    codes.length ? Category.find({ code: { $in: codes } }, { code: 1, nameZh: 1, nameEn: 1 }).lean() : Promise.resolve([]),
  ]);
  const unitName = new Map(units.map((u) => [String(u._id), localName(u, lang)]));
  const categoryName = new Map(categories.map((c) => [c.code, lang === 'en' ? c.nameEn : c.nameZh]));
  const t = translator(lang);
  const tz = ctx.config.TZ_COUNTY;
  return cases.map((c) => {
    const status = open311Status(c.status);
    const deadline = deadlineOf(c);
    return {
      service_request_id: c.number,
      status,
      // Our finer state in words (已交办, 已办结 ...): the spec's "more details on current status".
      status_notes: t(`status.${c.status}`),
      service_name: categoryName.get(c.categoryCode) ?? c.categoryCode,
      service_code: c.categoryCode,
      description: c.description,
      agency_responsible: (c.assignedUnitId && unitName.get(String(c.assignedUnitId))) || null,
      service_notice: status === 'open' ? SERVICE_NOTICE[lang] : null,
      requested_datetime: w3cDateTime(c.submittedAt, tz),
      updated_datetime: w3cDateTime(updatedOf(c), tz),
      expected_datetime: deadline ? w3cDateTime(deadline, tz) : null,
      address: c.place ?? null,
      address_id: null,
      zipcode: null,
      lat: null,
      long: null,
      media_url: null,
    };
  });
}

/** Which submittedAt range to search: default the last 90 days; never more than 90 days. */
function window(now: Date, start?: Date, end?: Date): { $gte: Date; $lte?: Date } {
  if (start && end) {
    if (end < start) throw new ValidationError({ end_date: 'end_before_start' });
    if (end.getTime() - start.getTime() > WINDOW_DAYS * DAY_MS) throw new ValidationError({ end_date: 'span_too_long' });
    return { $gte: start, $lte: end };
  }
  if (start) return { $gte: start, $lte: new Date(start.getTime() + WINDOW_DAYS * DAY_MS) };
  if (end) return { $gte: new Date(end.getTime() - WINDOW_DAYS * DAY_MS), $lte: end };
  // No upper bound: a case filed a moment ago by a process whose clock runs ahead still shows.
  return { $gte: new Date(now.getTime() - WINDOW_DAYS * DAY_MS) };
}

/**
 * GET requests. `service_request_id` overrides every other filter (spec). Newest first, at most
 * 1000 (spec's default volume).
 */
export async function findRequests(ctx: Context, query: unknown, lang: Lang): Promise<Open311Request[]> {
  const parsed = requestsQuery.safeParse(query);
  if (!parsed.success) throw new ValidationError(open311Fields(parsed.error.issues));
  const q = parsed.data;
  let filter: Record<string, unknown>;
  if (q.service_request_id.length) {
    filter = { number: { $in: q.service_request_id } };
  } else {
    filter = { submittedAt: window(ctx.clock.now(), q.start_date, q.end_date) };
    if (q.service_code.length) filter.categoryCode = { $in: q.service_code };
    const statuses = new Set(q.status);
    if (statuses.size === 1) filter.status = { $in: statuses.has('open') ? OPEN311_OPEN_STATES : OPEN311_CLOSED_STATES };
  }
  const cases = await Case.find(filter).sort({ submittedAt: -1, _id: -1 }).limit(MAX_REQUESTS).lean();
  return toRequests(ctx, cases, lang);
}

/** GET requests/{id}: an array with the one request (spec), 404 when unknown. */
export async function getRequest(ctx: Context, number: string, lang: Lang): Promise<Open311Request[]> {
  const c = CASE_NUMBER.test(number) ? await Case.findOne({ number }).lean() : null;
  if (!c) throw new NotFoundError(`service_request_id ${number} was not found`);
  return toRequests(ctx, [c], lang);
}

/**
 * GET tokens/{token}. Our services are realtime, so POST answers with the service_request_id
 * and, as the spec asks, no token. The token this endpoint resolves is the case's internal id
 * (24 hex digits), the `id` our own API (/api/v1) returns: a system that holds only that id
 * learns the public case number here. Not the tracking code: that belongs to the citizen and,
 * with its secret, opens their case.
 */
export async function resolveToken(token: string): Promise<{ service_request_id: string; token: string }[]> {
  const c = /^[a-f0-9]{24}$/.test(token) ? await Case.findById(token, { number: 1 }).lean() : null;
  if (!c) throw new NotFoundError(`token ${token} was not found`);
  return [{ service_request_id: c.number, token }];
}
