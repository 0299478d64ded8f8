import { z } from 'zod';
import { idempotencyKey } from '../intake/intake.schemas';
import { PHONE } from '../intake/complaint.schemas';
import { defineOperation, describing, type Operation, type ResponseSpec, type SecurityRequirement } from '../platform/http/openapi';
import { objectIdString } from '../platform/http/validate';
import type { Open311ErrorEntry } from './open311.errors';
import { CASE_NUMBER, postRequestInput, requestsQuery } from './open311.schemas';
import { FORMATS } from './open311.serializer';
import type { Open311Request, Open311Service, PostResponse, resolveToken, serviceDefinition } from './open311.service';
import type { Discovery } from './open311.discovery';

// The operations of /open311/v2 (open311.routes.ts), from the schemas open311.service.ts
// validates with. Every answer comes as JSON (an array, the Spark convention) or the same
// document in XML, chosen by the path's extension.

const caseNumber = z.string().regex(CASE_NUMBER).describe('Case number, county year and sequence').meta({ examples: ['2026-000123'] });

const errorSchema = describing<Open311ErrorEntry>()(
  z.object({ code: z.number().int().describe('The HTTP status'), description: z.string().describe('For a field: "<field>: <reason> (<words>)"') }).meta({ id: 'Open311Error' }),
);

const serviceSchema = describing<Open311Service>()(
  z
    .object({
      service_code: z.string().describe('The category code'),
      service_name: z.string(),
      description: z.string(),
      metadata: z.boolean().describe('Always false: no service has attributes'),
      type: z.literal('realtime'),
      keywords: z.string().describe('Comma-separated'),
      group: z.string(),
    })
    .meta({ id: 'Open311Service' }),
);

const serviceDefinitionSchema = describing<Awaited<ReturnType<typeof serviceDefinition>>>()(
  z.object({ service_code: z.string(), attributes: z.array(z.never()).max(0) }).meta({ id: 'Open311ServiceDefinition' }),
);

const createdSchema = describing<PostResponse[number]>()(
  z.object({ service_request_id: caseNumber, service_notice: z.string(), account_id: z.null() }).meta({ id: 'Open311Created' }),
);

const nullableText = z.string().nullable();
const privateText = (what: string) => nullableText.describe(`${what}; null in the status-only view (no api_key) unless the case is publishable`);
const requestSchema = describing<Open311Request>()(
  z
    .object({
      service_request_id: caseNumber,
      status: z.enum(['open', 'closed']).describe('closed = resolved, closed, rejected or split'),
      status_notes: z.string().describe('The reply published to the filer once the commission accepted it; before that our finer state, in words'),
      service_name: z.string(),
      service_code: z.string(),
      description: privateText('The complaint'),
      agency_responsible: privateText('The assigned unit (null while unassigned)'),
      service_notice: nullableText,
      requested_datetime: z.string().describe('W3C, county offset, e.g. 2026-03-02T10:00:00+08:00'),
      updated_datetime: z.string().describe('W3C; for a closed request, when it was closed'),
      expected_datetime: nullableText.describe('The deadline, when the case has one'),
      address: privateText('The place as given (address_string)'),
      address_id: privateText('The address_id as posted'),
      zipcode: z.null(),
      lat: z.number().nullable().describe('WGS84 latitude as posted; null in the status-only view unless publishable'),
      long: z.number().nullable().describe('WGS84 longitude as posted; null in the status-only view unless publishable'),
      media_url: z.null().describe('Attachments are never public'),
    })
    .meta({ id: 'Open311Request' }),
);

const discoverySchema = describing<Discovery>()(
  z
    .object({
      changeset: z.string().describe('W3C date-time of the last change of this endpoint'),
      contact: z.string(),
      key_service: z.string().describe('Where an api_key is made (an account’s API tokens page)'),
      endpoints: z.array(
        z.object({ specification: z.string(), url: z.string(), changeset: z.string(), type: z.literal('production'), formats: z.array(z.string()) }),
      ),
    })
    .meta({ id: 'Open311Discovery' }),
);

const tokenSchema = describing<Awaited<ReturnType<typeof resolveToken>>[number]>()(
  z.object({ service_request_id: caseNumber, token: z.string() }).meta({ id: 'Open311Token' }),
);

/** An Open311 answer: a JSON array or the equivalent XML document. */
function answer(description: string, schema: z.ZodType, xmlRoot: string): ResponseSpec {
  return { description, content: { 'application/json': schema, 'text/xml': z.string().describe(`XML document with root element <${xmlRoot}>`) } };
}
const one = (schema: z.ZodType) => z.array(schema).min(1).max(1);
const failed = (description: string) => answer(description, z.array(errorSchema), 'errors');

const format = z.enum(FORMATS).describe('Response format, as the file extension');
// Read by the routes as they are (langOf, and ignored): no schema of theirs to share.
const lang = z.enum(['en']).optional().describe('Names in English (`en`); Chinese otherwise');
const jurisdiction = z.string().optional().describe('Accepted and ignored: this endpoint serves one jurisdiction');

const apiKey = [{ open311ApiKey: [] }];
const readerKey = failed('An api_key whose account is neither commission nor administrator (leave it out for the status-only view)');
const limited = failed('Too many reads without api_key from this address (OPEN311_PUBLIC_LIMIT_PER_10MIN); see Retry-After');
const optionalKey: SecurityRequirement[] = [{}, { open311ApiKey: [] }];

export const open311Operations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/open311/v2/discovery.{format}',
    tags: ['Open311'],
    summary: 'Service discovery: the endpoint, its formats, changeset and contact',
    security: [],
    params: z.object({ format }),
    responses: { '200': answer('The discovery document', discoverySchema, 'discovery'), '404': failed('Unknown format') },
  }),
  defineOperation({
    method: 'get',
    path: '/open311/v2/services.{format}',
    tags: ['Open311'],
    summary: 'GET Service List: one service per active complaint category',
    security: [],
    params: z.object({ format }),
    query: z.object({ lang, jurisdiction_id: jurisdiction }),
    responses: { '200': answer('The services', z.array(serviceSchema), 'services'), '404': failed('Unknown format') },
  }),
  defineOperation({
    method: 'get',
    path: '/open311/v2/services/{service_code}.{format}',
    tags: ['Open311'],
    summary: 'GET Service Definition (no category has attributes)',
    security: [],
    params: z.object({ service_code: z.string(), format }),
    query: z.object({ jurisdiction_id: jurisdiction }),
    responses: { '200': answer('The definition', serviceDefinitionSchema, 'service_definition'), '404': failed('Unknown service_code or format') },
  }),
  defineOperation({
    method: 'post',
    path: '/open311/v2/requests.{format}',
    tags: ['Open311'],
    summary: 'POST Service Request: file a complaint (commission or supervisor api_key)',
    description:
      'Filed on channel `open311`. The person’s identity (first_name, last_name, email, phone) is stored apart from the case and never returned by any Open311 read. ' +
      '`lat`/`long` are stored as a GeoJSON point and `address_id` as sent. `media_url`, `device_id`, `account_id`, `attribute[...]` and any unknown field (FixMyStreet’s `deviceid`) are accepted and ignored. ' +
      'As multipart/form-data, one photo or PDF may come as the file field `media` (same checks and cleaning as the web form), with `api_key` among the fields. An unknown or inactive service_code is 404. ' +
      'An `Idempotency-Key` header makes a retry return the first case (200); a malformed one is refused (400).',
    security: apiKey,
    params: z.object({ format }),
    query: z.object({ lang }),
    headers: z.object({ 'Idempotency-Key': idempotencyKey.optional() }),
    body: postRequestInput,
    bodyTypes: ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'],
    // Taken out of the body before postRequestInput runs (open311.service.ts submitRequest).
    bodyExtra: {
      properties: {
        api_key: { type: 'string', description: 'Our API token of a commission or supervisor account (or in the query)' },
        media: { type: 'string', contentMediaType: 'application/octet-stream', description: 'multipart/form-data only: one JPEG, PNG, WEBP, GIF, HEIC or PDF file up to 10 MB' },
      },
    },
    fields: {
      jurisdiction_id: { description: 'Ignored' },
      service_code: { description: 'A service_code of services.json (numbers are taken as text)', type: ['string', 'number'] },
      address_string: { description: 'Stored as the case’s place' },
      description: { description: 'Any non-empty text up to 4000 characters' },
      address_id: { description: 'Stored as sent, returned on full reads' },
      lat: { type: ['number', 'string'], minimum: -90, maximum: 90, description: 'WGS84, with long; stored as a number (GeoJSON point)' },
      long: { type: ['number', 'string'], minimum: -180, maximum: 180, description: 'WGS84, with lat' },
      first_name: { description: 'With last_name at most 50 characters' },
      email: { format: 'email' },
      phone: { pattern: PHONE.source },
      device_id: { description: 'Ignored' },
      account_id: { description: 'Ignored' },
      media_url: { description: 'Ignored: the server never fetches client-named URLs' },
    },
    responses: {
      '201': answer('Filed', one(createdSchema), 'service_requests'),
      '200': answer('A repeat with the same Idempotency-Key: the first case', one(createdSchema), 'service_requests'),
      '400': failed('Invalid fields, each named in its description'),
      '403': failed('Missing or invalid api_key, or a key whose account may not file'),
      '404': failed('Unknown service_code, or unknown format'),
    },
  }),
  defineOperation({
    method: 'get',
    path: '/open311/v2/requests.{format}',
    tags: ['Open311'],
    summary: 'GET Service Requests: the status-only view for anyone, the full view with a commission or administrator api_key',
    description:
      'Without api_key anyone reads the status-only view (CORS allowed, at most OPEN311_PUBLIC_LIMIT_PER_10MIN reads per address in 10 minutes, then 429 with Retry-After): ' +
      'no description, address, coordinates or unit unless the commission marked the case publishable, and nothing of the filer ever. It is answered from a snapshot of the last 90 days ' +
      'refreshed every OPEN311_PUBLIC_CACHE_SECONDS, so older date ranges list nothing (read an older request by service_request_id). ' +
      'With a commission or administrator api_key: every field, any 90-day range, no CORS. Newest first, at most 1000. ' +
      'Without dates, the last 90 days; a range may not span more than 90 days. `service_request_id` overrides every other filter.',
    security: optionalKey,
    params: z.object({ format }),
    query: requestsQuery.extend({ lang, jurisdiction_id: jurisdiction }),
    fields: {
      service_request_id: { description: 'Comma-separated case numbers' },
      service_code: { description: 'Comma-separated or repeated' },
      start_date: { description: 'W3C date-time with time zone', format: 'date-time' },
      end_date: { description: 'W3C date-time with time zone', format: 'date-time' },
      status: { description: '`open`, `closed`, or both comma-separated' },
    },
    responses: {
      '200': answer('The requests', z.array(requestSchema), 'service_requests'),
      '400': failed('Invalid filter'),
      '403': readerKey,
      '404': failed('Unknown format'),
      '429': limited,
    },
  }),
  defineOperation({
    method: 'get',
    path: '/open311/v2/requests/{service_request_id}.{format}',
    tags: ['Open311'],
    summary: 'GET Service Request: status-only without api_key, full with a commission or administrator api_key',
    security: optionalKey,
    params: z.object({ service_request_id: z.string().regex(CASE_NUMBER).describe('Case number, e.g. 2026-000123'), format }),
    query: z.object({ lang, jurisdiction_id: jurisdiction }),
    responses: {
      '200': answer('The request', one(requestSchema), 'service_requests'),
      '403': readerKey,
      '404': failed('Unknown service_request_id or format'),
      '429': limited,
    },
  }),
  defineOperation({
    method: 'get',
    path: '/open311/v2/tokens/{token}.{format}',
    tags: ['Open311'],
    summary: 'GET service_request_id from a token',
    description:
      'Requests are realtime, so POST returns no token. The token is the case’s internal id (the `id` of /api/v1), resolved to its case number. Public like the status-only view (limited per address); a sent api_key must be a commission or administrator key.',
    security: optionalKey,
    params: z.object({ token: objectIdString(), format }),
    query: z.object({ jurisdiction_id: jurisdiction }),
    responses: {
      '200': answer('The case number for the token', one(tokenSchema), 'service_requests'),
      '403': readerKey,
      '404': failed('Unknown token or format'),
      '429': limited,
    },
  }),
];
