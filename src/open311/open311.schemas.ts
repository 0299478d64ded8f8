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
      .refine((v) => v === undefined || (/^[+-]?\d{1,3}(\.\d{1,20})?$/.test(v) && Math.abs(Number(v)) <= limit), { error: 'invalid_coordinate' })
      .transform((v) => (v === undefined ? undefined : Number(v))),
  );

// The rules a complaint obeys on every channel are the case's own (case.schemas.ts), reused
// field by field so the hotline cannot file what the public form would refuse.
const complaint = complaintInput.shape;

/**
 * POST requests.{format}: the spec's fields. Unknown fields are dropped, not refused: real
 * clients add their own (FixMyStreet's `deviceid`, `attribute[title]`, `attribute[report_url]`),
 * and our services define no attributes (`metadata: false`), so every `attribute[...]` is unknown
 * too. `api_key` is taken out before this schema runs.
 */
export const postRequestInput = z
  .object({
    // One jurisdiction per endpoint: the spec lets such servers ignore it.
    jurisdiction_id: optionalText(200),
    service_code: z.preprocess(numberAsText, complaint.categoryCode),
    // The spec sets no minimum: a hotline or an app's short text ("路灯不亮") is a complaint too.
    // The web form's 10 characters are its own nudge for a fuller account.
    description: z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(4000, { error: 'too_long' }),
    address_string: complaint.place,
    // Kept as sent (our address register is the client's): returned on full reads.
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
    // download arbitrary content; a photo comes as the multipart `media` file instead.
    media_url: optionalText(2000),
  })
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
