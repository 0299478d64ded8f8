import { z } from 'zod';
import { complaintInput } from '../intake/complaint.schemas';
import { parseW3cDateTime } from './open311.dates';
import { optionalText } from '../platform/http/validate';

// Field names are the spec's (GeoReport v2), so error descriptions name what the client sent.
// Reasons are the project's message keys ("too_short"); open311.errors.ts words them.

/** Spec clients send numbers unquoted in JSON bodies (`"service_code": 1`, `"lat": 37.7`). */
const numberAsText = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v);


const coordinate = (limit: number) =>
  z.preprocess(
    numberAsText,
    z
      .string({ error: 'invalid_coordinate' })
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || (/^[+-]?\d{1,3}(\.\d{1,15})?$/.test(v) && Math.abs(Number(v)) <= limit), { error: 'invalid_coordinate' })
      .transform((v) => (v === undefined ? undefined : Number(v))),
  );

// The rules a complaint obeys on every channel are the case's own (case.schemas.ts), reused
// field by field so the hotline cannot file what the public form would refuse.
const complaint = complaintInput.shape;

/**
 * POST requests.{format}: the spec's fields, strictly (an unknown field is refused, not silently
 * dropped). `api_key` and `attribute[...]` are taken out before this schema runs.
 */
export const postRequestInput = z
  .object({
    // One jurisdiction per endpoint: the spec lets such servers ignore it.
    jurisdiction_id: optionalText(200),
    service_code: z.preprocess(numberAsText, complaint.categoryCode),
    description: complaint.description,
    address_string: complaint.place,
    // We keep no address register: accepted as the spec allows, not stored.
    address_id: optionalText(200),
    lat: coordinate(90),
    long: coordinate(180),
    first_name: optionalText(50),
    last_name: optionalText(50),
    email: complaint.email,
    phone: complaint.phone,
    // The filer's device and app account mean nothing to the county: accepted, not stored.
    device_id: optionalText(200),
    account_id: optionalText(200),
    // Ignored on purpose: fetching a URL the client names would let anyone make the server
    // download arbitrary content, and attachments come through our own upload with type checks.
    media_url: optionalText(2000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.long === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.lat === undefined ? 'lat' : 'long'], message: 'lat_long_pair' });
    }
    const name = joinName(v.first_name, v.last_name);
    if (name && name.length > 50) ctx.addIssue({ code: 'custom', path: ['first_name'], message: 'name_too_long' });
  });
export type PostRequestInput = z.infer<typeof postRequestInput>;

/**
 * The complainant's name as one string. Chinese names put the family name first with no space
 * (last_name 王 + first_name 五 = 王五); others read "first last".
 */
export function joinName(first?: string, last?: string): string | undefined {
  if (!first && !last) return undefined;
  if (/[\u3400-\u9fff]/.test(`${first ?? ''}${last ?? ''}`)) return `${last ?? ''}${first ?? ''}`;
  return [first, last].filter(Boolean).join(' ');
}

const ATTRIBUTE_KEY = /^attribute\[([^\]]{1,64})\](\[\])?$/;
const MAX_ATTRIBUTES = 50;

/**
 * Splits a POST body into the spec's plain fields and its `attribute[code]=value` pairs (flat
 * keys from the urlencoded parser, or an `attribute` object in a JSON body). Our services define
 * no attributes (`metadata: false`), so the pairs are checked for shape and then not stored.
 */
export function splitAttributes(body: Record<string, unknown>): { fields: Record<string, unknown>; attributeErrors: Record<string, string> } {
  const fields: Record<string, unknown> = {};
  const attributes: [string, unknown][] = [];
  for (const [key, value] of Object.entries(body)) {
    const m = ATTRIBUTE_KEY.exec(key);
    if (m) attributes.push([`attribute[${m[1]}]`, value]);
    else if (key === 'attribute' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [code, v] of Object.entries(value)) attributes.push([`attribute[${code}]`, v]);
    } else fields[key] = value;
  }
  const attributeErrors: Record<string, string> = {};
  if (attributes.length > MAX_ATTRIBUTES) attributeErrors.attribute = 'too_many';
  for (const [key, value] of attributes.slice(0, MAX_ATTRIBUTES)) {
    const values = Array.isArray(value) ? value : [value];
    const ok = /^attribute\[[\w.-]{1,64}\]$/.test(key) && values.length <= 50 && values.every((v) => (typeof v === 'string' || typeof v === 'number') && String(v).length <= 1000);
    if (!ok) attributeErrors[key] = 'invalid';
  }
  return { fields, attributeErrors };
}

/** A query parameter the spec lets clients repeat or comma-delimit (`status=open,closed`). */
const list = <T extends string>(max: number, item: z.ZodType<T, string>) =>
  z
    .preprocess((v) => (Array.isArray(v) ? v.join(',') : v), z.string({ error: 'invalid' }).optional())
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
    .refine((items) => items.length <= max, { error: 'too_many' })
    .pipe(z.array(item));

const w3cDate = z
  .preprocess((v) => (v === '' ? undefined : v), z.string({ error: 'invalid_datetime' }).optional())
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    const at = parseW3cDateTime(v);
    if (!at) {
      ctx.addIssue({ code: 'custom', message: 'invalid_datetime' });
      return z.NEVER;
    }
    return at;
  });

export const CASE_NUMBER = /^\d{4}-\d{6,9}$/;
export const MAX_REQUESTS = 1000;

/**
 * GET requests.{format}. Not strict: spec clients add `jurisdiction_id`, `api_key` or our
 * `lang`, which change nothing here.
 */
export const requestsQuery = z.object({
  service_request_id: list(MAX_REQUESTS, z.string().regex(CASE_NUMBER, { error: 'invalid' })),
  service_code: list(100, z.string().max(64, { error: 'invalid' })),
  status: list(10, z.enum(['open', 'closed'], { error: 'invalid_status' })),
  start_date: w3cDate,
  end_date: w3cDate,
});
export type RequestsQuery = z.infer<typeof requestsQuery>;
