import { localName } from '../platform/names';
import { userFromToken } from '../auth/auth.service';
import { Case } from '../cases/case.model';
import { fileComplaint, type Filed } from '../intake/filing.service';
import { OPEN311_CLOSED_STATES, OPEN311_OPEN_STATES, RESOLVED_STATES, type CaseState } from '../cases/case.states';
import { Category } from '../cases/category.model';
import type { Context } from '../context';
import { AppError, NotFoundError, ValidationError } from '../platform/http/errors';
import { translator, type Lang } from '../i18n';
import { idempotencyKey } from '../intake/intake.schemas';
import { Unit } from '../units/unit.model';
import type { CurrentUser } from '../types/express';
import { w3cDateTime } from './open311.dates';
import { open311Fields, specFields } from './open311.errors';
import { CASE_NUMBER, MAX_REQUESTS, joinName, postRequestInput, requestsQuery, type RequestsQuery } from './open311.schemas';
import { publicSnapshot } from './open311.snapshot';
import { FACT_FIELDS, factsOf, open311Status, publicFacts, type CaseLean, type Open311Status, type RequestFacts } from './open311.facts';

export { open311Status, type Open311Status } from './open311.facts';
import type { UploadedFile } from '../platform/files/attachments';

// Open311 GeoReport v2 over our cases: a service is an active complaint category, a service
// request is a case, its service_request_id the case number. Reads without a key are public, as
// in the spec, and show the status only (README "Open311"); nothing of the complainant, ever.

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

/** Who reads: `full` with a commission or administrator key, `public` (the status-only view) without one. */
export type ReadView = 'full' | 'public';

/**
 * GET requests and tokens: without `api_key` anyone reads the status-only view (spec reads are
 * public; a complaint's text is not). A key that is sent must be a commission or administrator
 * key: a wrong or weaker key is refused (403) rather than quietly answered with less, so an
 * integrator learns at once that their key does not give the full view.
 */
export async function readViewFromKey(apiKey: unknown): Promise<ReadView> {
  if (apiKey === undefined || apiKey === '') return 'public';
  const user = typeof apiKey === 'string' && apiKey.trim() ? await userFromToken(apiKey.trim()) : null;
  if (!user || (user.role !== 'commission' && user.role !== 'admin')) {
    throw new AppError(403, 'forbidden', 'this api_key may not read full requests (commission or administrator accounts only); leave api_key out for the public status view');
  }
  return 'full';
}

export interface PostRequest {
  body: unknown;
  query: Record<string, unknown>;
  /** The Idempotency-Key header, if any. */
  idempotencyKey?: string;
  lang: Lang;
  /** The multipart `media` file (at most one), checked and cleaned like the web form's attachments. */
  media?: UploadedFile[];
  /** What the multipart parser refused (too large, a second file), reported with the other fields. */
  uploadErrors?: Record<string, string>;
}

export type PostResponse = { service_request_id: string; service_notice: string; account_id: null }[];

/**
 * POST requests: authenticate the key, check the spec's fields (every error at once), then file
 * through the same path as every other channel. The identity goes to fileComplaint, which stores
 * it apart from the case.
 */
export async function submitRequest(ctx: Context, req: PostRequest): Promise<{ filed: Filed; response: PostResponse }> {
  const { api_key: bodyKey, ...fields } = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const user = await filerFromKey(bodyKey ?? req.query.api_key);

  const parsed = postRequestInput.safeParse(fields);
  const errors = { ...(parsed.success ? {} : open311Fields(parsed.error.issues)), ...(req.uploadErrors ?? {}) };
  let key: string | undefined;
  if (req.idempotencyKey !== undefined) {
    // Refused rather than ignored: a client that believes its retries are safe must learn they are not.
    const k = idempotencyKey.safeParse(req.idempotencyKey);
    if (k.success) key = k.data;
    else errors['Idempotency-Key'] = 'invalid';
  }
  if (!parsed.success || Object.keys(errors).length) throw new ValidationError(errors);

  const v = parsed.data;
  const location = v.lat !== undefined && v.long !== undefined ? { lat: v.lat, long: v.long } : undefined;
  let filed: Filed;
  try {
    filed = await fileComplaint(
      ctx,
      { categoryCode: v.service_code, description: v.description, place: v.address_string, location, addressId: v.address_id, name: joinName(v.first_name, v.last_name), phone: v.phone, email: v.email },
      { channel: 'open311', userId: user.id },
      { idempotencyKey: key, attachments: req.media ?? [] },
    );
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // The spec answers an unknown service_code with 404, like GET of its definition.
    if (err.fields?.categoryCode === 'unknown_category') throw new NotFoundError(`service_code ${v.service_code} was not found (see services.json)`);
    // fileComplaint names our fields (categoryCode, attachments); the client knows the spec's.
    throw new ValidationError(specFields(err.fields ?? {}));
  }
  return { filed, response: [{ service_request_id: filed.number, service_notice: SERVICE_NOTICE[req.lang], account_id: null }] };
}

export type Open311Request = {
  service_request_id: string;
  status: Open311Status;
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: null;
};

/**
 * Facts → spec fields. Deliberately a whitelist: nothing of the complainant (kept in its own
 * collection, never read here), no filer, channel, attachments or staff notes. A request shows
 * its text, place, coordinates and unit only to a full reader or when the commission marked it
 * publishable; every other field is the status-only view anyone may read.
 */
async function render(ctx: Context, facts: RequestFacts[], lang: Lang, view: ReadView): Promise<Open311Request[]> {
  const unitIds = [...new Set(facts.map((f) => f.unitId).filter((id): id is string => !!id))];
  const codes = [...new Set(facts.map((f) => f.categoryCode))];
  const [units, categories] = await Promise.all([
    unitIds.length ? Unit.find({ _id: { $in: unitIds } }, { nameZh: 1, nameEn: 1 }).lean() : Promise.resolve([]),
    // Inactive categories too: an old case keeps the name it was filed under.
    codes.length ? Category.find({ code: { $in: codes } }, { code: 1, nameZh: 1, nameEn: 1 }).lean() : Promise.resolve([]),
  ]);
  const unitName = new Map(units.map((u) => [String(u._id), localName(u, lang)]));
  const categoryName = new Map(categories.map((c) => [c.code, lang === 'en' ? c.nameEn : c.nameZh]));
  const t = translator(lang);
  const tz = ctx.config.TZ_COUNTY;
  return facts.map((f) => {
    const status = open311Status(f.state);
    const text = view === 'full' || f.publishable ? f.text : null;
    return {
      service_request_id: f.number,
      status,
      // The reply the commission accepted and published to the filer, once there is one for the
      // current outcome; before that our finer state in words (已交办, 已办结 ...).
      status_notes: f.reply && RESOLVED_STATES.includes(f.state as CaseState) ? f.reply : t(`status.${f.state}`),
      service_name: categoryName.get(f.categoryCode) ?? f.categoryCode,
      service_code: f.categoryCode,
      description: text?.description ?? null,
      agency_responsible: (text && f.unitId && unitName.get(f.unitId)) || null,
      service_notice: status === 'open' ? SERVICE_NOTICE[lang] : null,
      requested_datetime: w3cDateTime(new Date(f.submittedAt), tz),
      updated_datetime: w3cDateTime(new Date(f.updatedAt), tz),
      expected_datetime: f.deadlineAt !== null ? w3cDateTime(new Date(f.deadlineAt), tz) : null,
      address: text?.place ?? null,
      address_id: text?.addressId ?? null,
      zipcode: null,
      lat: text?.coordinates ? text.coordinates[1] : null,
      long: text?.coordinates ? text.coordinates[0] : null,
      // Attachments are evidence for staff (cleaned copies for units), never public URLs.
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

function parseQuery(query: unknown): RequestsQuery {
  const parsed = requestsQuery.safeParse(query);
  if (!parsed.success) throw new ValidationError(open311Fields(parsed.error.issues));
  return parsed.data;
}

/**
 * GET requests. `service_request_id` overrides every other filter (spec). Newest first, at most
 * 1000 (spec's default volume). A full reader's query goes to the database; the public one is
 * answered from the snapshot of recent requests (see publicRequests).
 */
export async function findRequests(ctx: Context, query: unknown, lang: Lang, view: ReadView): Promise<Open311Request[]> {
  const q = parseQuery(query);
  if (view === 'public') return render(ctx, await publicRequests(ctx, q), lang, view);
  let filter: Record<string, unknown>;
  if (q.service_request_id.length) {
    filter = { number: { $in: q.service_request_id } };
  } else {
    filter = { submittedAt: window(ctx.clock.now(), q.start_date, q.end_date) };
    if (q.service_code.length) filter.categoryCode = { $in: q.service_code };
    const statuses = new Set(q.status);
    if (statuses.size === 1) filter.status = { $in: statuses.has('open') ? OPEN311_OPEN_STATES : OPEN311_CLOSED_STATES };
  }
  const cases = await Case.find(filter, FACT_FIELDS).sort({ submittedAt: -1, _id: -1 }).limit(MAX_REQUESTS).lean();
  return render(ctx, cases.map((c) => factsOf(c as CaseLean, true)), lang, view);
}

/**
 * The public list, filtered in memory over the snapshot (the last 90 days, refreshed at most
 * every OPEN311_PUBLIC_CACHE_SECONDS): anonymous calls never scan the cases collection, whatever
 * their filters. Numbers asked for by service_request_id that are older than the snapshot are
 * read from the database (one look-up, counted by the per-IP limit like every anonymous read).
 */
async function publicRequests(ctx: Context, q: RequestsQuery): Promise<RequestFacts[]> {
  const recent = await publicSnapshot(ctx);
  if (q.service_request_id.length) {
    const wanted = new Set(q.service_request_id);
    const found = recent.filter((f) => wanted.has(f.number));
    const missing = [...wanted].filter((n) => !found.some((f) => f.number === n));
    const older = missing.length ? await Case.find({ number: { $in: missing } }, FACT_FIELDS).lean() : [];
    return [...found, ...(await publicFacts(older as CaseLean[]))].sort((a, b) => b.submittedAt - a.submittedAt).slice(0, MAX_REQUESTS);
  }
  const range = window(ctx.clock.now(), q.start_date, q.end_date);
  const from = range.$gte.getTime();
  const to = range.$lte ? range.$lte.getTime() : Infinity;
  const statuses = new Set(q.status);
  const codes = new Set(q.service_code);
  return recent
    .filter((f) => f.submittedAt >= from && f.submittedAt <= to)
    .filter((f) => !codes.size || codes.has(f.categoryCode))
    .filter((f) => statuses.size !== 1 || statuses.has(open311Status(f.state)))
    .slice(0, MAX_REQUESTS);
}

/** GET requests/{id}: an array with the one request (spec), 404 when unknown. */
export async function getRequest(ctx: Context, number: string, lang: Lang, view: ReadView): Promise<Open311Request[]> {
  if (!CASE_NUMBER.test(number)) throw new NotFoundError(`service_request_id ${number} was not found`);
  // The public reader is served from the snapshot when the request is recent (most status polls).
  const cached = view === 'public' ? (await publicSnapshot(ctx)).find((f) => f.number === number) : undefined;
  if (cached) return render(ctx, [cached], lang, view);
  const c = await Case.findOne({ number }, FACT_FIELDS).lean();
  if (!c) throw new NotFoundError(`service_request_id ${number} was not found`);
  return render(ctx, view === 'full' ? [factsOf(c as CaseLean, true)] : await publicFacts([c as CaseLean]), lang, view);
}

/**
 * GET tokens/{token}. Our services are realtime, so POST answers with the service_request_id
 * and, as the spec asks, no token. The token this endpoint resolves is the case's internal id
 * (24 hex digits), the `id` our own API (/api/v1) returns: a system that holds only that id
 * learns the public case number here (an _id look-up, cheap). Not the tracking code: that
 * belongs to the citizen and, with its secret, opens their case.
 */
export async function resolveToken(token: string): Promise<{ service_request_id: string; token: string }[]> {
  const c = /^[a-f0-9]{24}$/.test(token) ? await Case.findById(token, { number: 1 }).lean() : null;
  if (!c) throw new NotFoundError(`token ${token} was not found`);
  return [{ service_request_id: c.number, token }];
}
