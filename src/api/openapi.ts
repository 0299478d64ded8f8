import { CASE_STATES, CHANNELS } from '../cases/case.states';
import { SERIES } from '../units/unit.model';
import { ROLES } from '../users/user.model';

// The OpenAPI 3.1 description of /api/v1 and /open311/v2, written by hand: the routes are few and
// their zod schemas carry message keys and transforms that a generator would render poorly. A
// route added to api.routes.ts (or a router it mounts) belongs here too.
// Served without authentication at GET /api/v1/openapi.json.

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const json = (schema: Schema, description: string) => ({ description, content: { 'application/json': { schema } } });

const apiErrors = {
  '401': json(ref('ApiError'), 'No token, an invalid token, or a session cookie instead of a token'),
  '403': json(ref('ApiError'), 'The token’s role may not use this route'),
};

// ---- Open311 ----
const formatParam = { name: 'format', in: 'path', required: true, description: 'Response format, as the file extension', schema: { type: 'string', enum: ['json', 'xml'] } };
const langParam = { name: 'lang', in: 'query', required: false, description: 'Names in English (`en`); Chinese otherwise', schema: { type: 'string', enum: ['en'] } };
const jurisdictionParam = { name: 'jurisdiction_id', in: 'query', required: false, description: 'Accepted and ignored: this endpoint serves one jurisdiction', schema: { type: 'string' } };

/** Open311 answers: JSON array (Spark convention) or the equivalent XML document. */
const open311Body = (schema: Schema, xmlRoot: string, description: string) => ({
  description,
  content: {
    'application/json': { schema },
    'text/xml': { schema: { type: 'string', description: `XML document with root element <${xmlRoot}>` } },
  },
});
const open311Error = (description: string) => open311Body({ type: 'array', items: ref('Open311Error') }, 'errors', description);

const open311Paths = {
  '/open311/v2/services.{format}': {
    get: {
      tags: ['Open311'],
      summary: 'GET Service List: one service per active complaint category',
      security: [],
      parameters: [formatParam, langParam, jurisdictionParam],
      responses: {
        '200': open311Body({ type: 'array', items: ref('Open311Service') }, 'services', 'The services'),
        '404': open311Error('Unknown format'),
      },
    },
  },
  '/open311/v2/services/{service_code}.{format}': {
    get: {
      tags: ['Open311'],
      summary: 'GET Service Definition (no category has attributes)',
      security: [],
      parameters: [{ name: 'service_code', in: 'path', required: true, schema: { type: 'string' } }, formatParam, jurisdictionParam],
      responses: {
        '200': open311Body(ref('Open311ServiceDefinition'), 'service_definition', 'The definition'),
        '404': open311Error('Unknown service_code or format'),
      },
    },
  },
  '/open311/v2/requests.{format}': {
    post: {
      tags: ['Open311'],
      summary: 'POST Service Request: file a complaint (commission or supervisor api_key)',
      description:
        'Filed on channel `open311`. The person’s identity (first_name, last_name, email, phone) is stored apart from the case and never returned by any Open311 read. ' +
        '`media_url`, `address_id`, `device_id`, `account_id` and `attribute[...]` are accepted and not stored. An `Idempotency-Key` header makes a retry return the first case (200).',
      security: [{ open311ApiKey: [] }],
      parameters: [
        formatParam,
        langParam,
        { name: 'api_key', in: 'query', required: false, description: 'The API token, if not sent as a form field', schema: { type: 'string' } },
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\w-]{16,64}$' } },
      ],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: ref('Open311RequestInput') },
          'application/json': { schema: ref('Open311RequestInput') },
        },
      },
      responses: {
        '201': open311Body({ type: 'array', items: ref('Open311Created'), minItems: 1, maxItems: 1 }, 'service_requests', 'Filed'),
        '200': open311Body({ type: 'array', items: ref('Open311Created'), minItems: 1, maxItems: 1 }, 'service_requests', 'A repeat with the same Idempotency-Key: the first case'),
        '400': open311Error('Invalid fields, each named in its description (unknown service_code included)'),
        '403': open311Error('Missing or invalid api_key, or a key whose account may not file'),
        '404': open311Error('Unknown format'),
      },
    },
    get: {
      tags: ['Open311'],
      summary: 'GET Service Requests (commission or administrator api_key)',
      description: 'Requests are complaints about officials and are never public: reading needs the api_key of a commission or administrator account. Newest first, at most 1000. Without dates, the last 90 days; a range may not span more than 90 days. `service_request_id` overrides every other filter.',
      security: [{ open311ApiKey: [] }],
      parameters: [
        formatParam,
        langParam,
        jurisdictionParam,
        { name: 'service_request_id', in: 'query', required: false, description: 'Comma-separated case numbers', schema: { type: 'string' } },
        { name: 'service_code', in: 'query', required: false, description: 'Comma-separated or repeated', schema: { type: 'string' } },
        { name: 'start_date', in: 'query', required: false, description: 'W3C date-time with time zone', schema: { type: 'string', format: 'date-time' } },
        { name: 'end_date', in: 'query', required: false, description: 'W3C date-time with time zone', schema: { type: 'string', format: 'date-time' } },
        { name: 'status', in: 'query', required: false, description: '`open`, `closed`, or both comma-separated', schema: { type: 'string' } },
      ],
      responses: {
        '200': open311Body({ type: 'array', items: ref('Open311Request') }, 'service_requests', 'The requests'),
        '400': open311Error('Invalid filter'),
        '404': open311Error('Unknown format'),
      },
    },
  },
  '/open311/v2/requests/{service_request_id}.{format}': {
    get: {
      tags: ['Open311'],
      summary: 'GET Service Request (commission or administrator api_key)',
      security: [{ open311ApiKey: [] }],
      parameters: [{ name: 'service_request_id', in: 'path', required: true, description: 'Case number, e.g. 2026-000123', schema: { type: 'string' } }, formatParam, langParam, jurisdictionParam],
      responses: {
        '200': open311Body({ type: 'array', items: ref('Open311Request'), minItems: 1, maxItems: 1 }, 'service_requests', 'The request'),
        '404': open311Error('Unknown service_request_id or format'),
      },
    },
  },
  '/open311/v2/tokens/{token}.{format}': {
    get: {
      tags: ['Open311'],
      summary: 'GET service_request_id from a token',
      description: 'Requests are realtime, so POST returns no token. The token is the case’s internal id (the `id` of /api/v1), resolved to its case number. Needs a commission or administrator api_key.',
      security: [{ open311ApiKey: [] }],
      parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } }, formatParam, jurisdictionParam],
      responses: {
        '200': open311Body({ type: 'array', items: ref('Open311Token'), minItems: 1, maxItems: 1 }, 'service_requests', 'The case number for the token'),
        '404': open311Error('Unknown token or format'),
      },
    },
  },
};

/** The filer's tracking endpoints: public, code + secret in the body, the tracking view back. */
function trackingOperation(summary: string, ok: '200' | '201', extra: Record<string, Schema> = {}, extraRequired: string[] = []) {
  return {
    post: {
      tags: ['API'],
      summary,
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['code', 'secret', ...extraRequired],
              properties: { code: str('Tracking code, e.g. 7KQ2M-X9D4T'), secret: str('The secret shown once at filing'), ...extra },
            },
          },
        },
      },
      responses: {
        [ok]: json({ type: 'object', description: 'The tracking view: number, status, timeline, supplements, publicReply, satisfaction, canRate, canSupplement' }, 'The case as its filer sees it'),
        '400': json(ref('ApiError'), 'Invalid fields'),
        '404': json(ref('ApiError'), 'Unknown code or wrong secret (the same answer for both)'),
        '429': json(ref('ApiError'), 'Too many look-ups from this IP'),
      },
    },
  };
}

// ---- /api/v1 ----
const apiPaths = {
  '/api/v1/openapi.json': {
    get: {
      tags: ['API'],
      summary: 'This document',
      security: [],
      responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1 document') },
    },
  },
  '/api/v1/me': {
    get: { tags: ['API'], summary: 'The token’s user', responses: { '200': json(ref('Me'), 'The user'), ...apiErrors } },
  },
  '/api/v1/units': {
    get: {
      tags: ['API'],
      summary: 'Active units',
      responses: { '200': json({ type: 'object', required: ['units'], properties: { units: { type: 'array', items: ref('Unit') } } }, 'The units'), ...apiErrors },
    },
  },
  '/api/v1/categories': {
    get: {
      tags: ['API'],
      summary: 'Active complaint categories',
      responses: {
        '200': json({ type: 'object', required: ['categories'], properties: { categories: { type: 'array', items: ref('Category') } } }, 'The categories'),
        ...apiErrors,
      },
    },
  },
  '/api/v1/cases': {
    get: {
      tags: ['API'],
      summary: 'Cases the token’s user may see (newest 100): all for commission and admin, assigned ones for a unit, own filings for a supervisor',
      responses: { '200': json({ type: 'object', required: ['cases'], properties: { cases: { type: 'array', items: ref('CaseListItem') } } }, 'The cases'), ...apiErrors },
    },
  },
  '/api/v1/cases/{id}': {
    get: {
      tags: ['API'],
      summary: 'One case, within the same scope (no complainant identity)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } }],
      responses: { '200': json(ref('Case'), 'The case'), '404': json(ref('ApiError'), 'No such case in the user’s scope'), ...apiErrors },
    },
  },
  '/api/v1/complaints': {
    post: {
      tags: ['API'],
      summary: 'File a complaint on someone’s behalf (commission: channel api, or phone/visit/letter when `channel` is given; supervisor: channel supervisor, with concerns/fromCitizenMet)',
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\w-]{16,64}$' } }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('ComplaintInput') } } },
      responses: {
        '201': json(ref('Filed'), 'Filed'),
        '200': json(ref('Filed'), 'A repeat with the same Idempotency-Key: the first case'),
        '400': json(ref('ApiError'), 'Invalid fields (`fields` maps each to a reason key)'),
        ...apiErrors,
      },
    },
  },
  '/api/v1/tracking': trackingOperation('Follow a complaint with its tracking code and secret (public)', '200'),
  '/api/v1/tracking/supplements': trackingOperation('Add information to one’s complaint (public)', '201', { text: str('2 to 2000 characters') }, ['text']),
  '/api/v1/tracking/rating': trackingOperation(
    'Rate the outcome once the case is resolved (public; 409 before, or when rated already)',
    '201',
    { rating: { type: 'string', enum: ['satisfied', 'basically_satisfied', 'dissatisfied'] }, comment: str('Up to 500 characters') },
    ['rating'],
  ),
  '/api/v1/calendar/due-date': {
    get: {
      tags: ['API'],
      summary: 'The date N working days after a date (county working calendar)',
      parameters: [
        { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
        { name: 'workingDays', in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 366 } },
      ],
      responses: {
        '200': json({ type: 'object', required: ['due'], properties: { due: str('YYYY-MM-DD', { format: 'date' }) } }, 'The due date'),
        '400': json(ref('ApiError'), 'Invalid from or workingDays'),
        ...apiErrors,
      },
    },
  },
  '/api/v1/campaigns': {
    get: {
      tags: ['API'],
      summary: 'Letter campaigns (commission and admin)',
      responses: { '200': json({ type: 'object', required: ['campaigns'], properties: { campaigns: { type: 'array', items: ref('CampaignListItem') } } }, 'The campaigns'), ...apiErrors },
    },
  },
  '/api/v1/campaigns/{id}': {
    get: {
      tags: ['API'],
      summary: 'One letter campaign with its figures (commission and admin)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } }],
      responses: { '200': json(ref('Campaign'), 'The campaign'), '404': json(ref('ApiError'), 'No such campaign'), ...apiErrors },
    },
  },
};

const id = str('Object id (24 hex digits)', { pattern: '^[a-f0-9]{24}$' });
const caseNumber = str('Case number, county year and sequence', { pattern: '^\\d{4}-\\d{6,}$', examples: ['2026-000123'] });
const dateTime = str(undefined, { format: 'date-time' });
const day = str('YYYY-MM-DD', { format: 'date' });

const schemas: Record<string, Schema> = {
  ApiError: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: str('Error code, e.g. validation_failed'),
      message: str(),
      fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Field → reason key (too_short, required ...)' },
      detail: str('Stack trace, outside production only'),
    },
  },
  Me: {
    type: 'object',
    required: ['id', 'username', 'displayName', 'role', 'unitId'],
    properties: { id, username: str(), displayName: str(), role: { type: 'string', enum: [...ROLES] }, unitId: nullable('string') },
  },
  Unit: {
    type: 'object',
    required: ['id', 'code', 'series', 'nameZh', 'nameEn'],
    properties: { id, code: str(), series: { type: 'string', enum: [...SERIES] }, nameZh: str(), nameEn: str() },
  },
  Category: { type: 'object', required: ['code', 'nameZh', 'nameEn'], properties: { code: str(), nameZh: str(), nameEn: str() } },
  CaseListItem: {
    type: 'object',
    required: ['id', 'number', 'status', 'categoryCode', 'channel', 'submittedAt', 'assignedUnitId', 'description'],
    properties: {
      id,
      number: caseNumber,
      status: { type: 'string', enum: [...CASE_STATES] },
      categoryCode: str(),
      channel: { type: 'string', enum: [...CHANNELS] },
      submittedAt: dateTime,
      assignedUnitId: nullable('string'),
      targetUnitId: nullable('string', { description: 'The unit the filer named; null for unit tokens' }),
      description: str(),
    },
  },
  Case: {
    type: 'object',
    required: ['id', 'number', 'status', 'channel', 'categoryCode', 'description', 'place', 'assignedUnitId', 'submittedAt', 'timeline'],
    properties: {
      id,
      number: caseNumber,
      status: { type: 'string', enum: [...CASE_STATES] },
      channel: { type: 'string', enum: [...CHANNELS] },
      categoryCode: str(),
      description: str(),
      place: nullable('string'),
      assignedUnitId: nullable('string'),
      submittedAt: dateTime,
      timeline: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'action'],
          properties: { at: dateTime, action: str(), from: nullable('string'), to: nullable('string') },
        },
      },
    },
  },
  ComplaintInput: {
    type: 'object',
    additionalProperties: false,
    required: ['categoryCode', 'description'],
    properties: {
      categoryCode: str('An active category code (GET /api/v1/categories)', { maxLength: 64 }),
      unitId: str('The unit concerned, if the filer names one', { pattern: '^[a-f0-9]{24}$' }),
      description: str(undefined, { minLength: 10, maxLength: 4000 }),
      place: str(undefined, { maxLength: 200 }),
      eventDate: day,
      name: str('Complainant; stored apart from the case', { maxLength: 50 }),
      phone: str('Complainant; stored apart from the case', { pattern: '^[0-9+\\-() ]{5,30}$' }),
      email: str('Complainant; stored apart from the case; gets a receipt', { format: 'email', maxLength: 200 }),
      concerns: str('Supervisor tokens only: the official or unit concerned', { maxLength: 200 }),
      fromCitizenMet: { type: 'boolean', description: 'Supervisor tokens only: a citizen they met brought it' },
    },
  },
  Filed: {
    type: 'object',
    required: ['id', 'number', 'trackingCode', 'trackingSecret', 'repeated'],
    properties: {
      id,
      number: caseNumber,
      trackingCode: str('For the complainant: with the secret, opens their case at /track'),
      trackingSecret: str('Shown once; only its hash is stored'),
      repeated: { type: 'boolean', description: 'True when this answered a repeat of an earlier submission' },
    },
  },
  CampaignListItem: {
    type: 'object',
    required: ['id', 'title', 'year', 'startDate', 'endDate', 'distributed', 'returned', 'returnRate'],
    properties: { id, title: str(), year: { type: 'integer' }, startDate: day, endDate: day, distributed: { type: 'integer' }, returned: { type: 'integer' }, returnRate: nullable('number', { description: 'Percent, one decimal' }) },
  },
  Campaign: {
    type: 'object',
    required: ['id', 'title', 'year', 'startDate', 'endDate', 'stats'],
    properties: {
      id,
      title: str(),
      year: { type: 'integer' },
      startDate: day,
      endDate: day,
      stats: {
        type: 'object',
        properties: {
          distributed: { type: 'integer' },
          returned: { type: 'integer' },
          returnRate: nullable('number'),
          opinions: { type: 'integer' },
          resolved: { type: 'integer' },
          unattributed: { type: 'integer' },
          supervisors: {
            type: 'array',
            items: { type: 'object', properties: { supervisorId: id, name: str(), distributed: { type: 'integer' }, returned: { type: 'integer' } } },
          },
        },
      },
    },
  },

  Open311Error: {
    type: 'object',
    required: ['code', 'description'],
    properties: { code: { type: 'integer', description: 'The HTTP status' }, description: str('For a field: "<field>: <reason> (<words>)"') },
  },
  Open311Service: {
    type: 'object',
    required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
    properties: {
      service_code: str('The category code'),
      service_name: str(),
      description: str(),
      metadata: { type: 'boolean', const: false },
      type: { type: 'string', const: 'realtime' },
      keywords: str('Comma-separated'),
      group: str(),
    },
  },
  Open311ServiceDefinition: {
    type: 'object',
    required: ['service_code', 'attributes'],
    properties: { service_code: str(), attributes: { type: 'array', maxItems: 0, items: {} } },
  },
  Open311RequestInput: {
    type: 'object',
    required: ['service_code', 'description'],
    properties: {
      api_key: str('Our API token of a commission or supervisor account (or in the query)'),
      jurisdiction_id: str('Ignored'),
      service_code: str(),
      description: str(undefined, { minLength: 10, maxLength: 4000 }),
      address_string: str('Stored as the case’s place', { maxLength: 200 }),
      address_id: str('Ignored'),
      lat: { type: 'number', minimum: -90, maximum: 90, description: 'With long; stored as place "lat,long" when there is no address_string' },
      long: { type: 'number', minimum: -180, maximum: 180 },
      first_name: str(undefined, { maxLength: 50 }),
      last_name: str(undefined, { maxLength: 50 }),
      email: str(undefined, { format: 'email' }),
      phone: str(undefined, { pattern: '^[0-9+\\-() ]{5,30}$' }),
      device_id: str('Ignored'),
      account_id: str('Ignored'),
      media_url: str('Ignored: the server never fetches client-named URLs'),
    },
    patternProperties: { '^attribute\\[[\\w.-]{1,64}\\](\\[\\])?$': { description: 'Accepted, not stored (no service defines attributes)' } },
    additionalProperties: false,
  },
  Open311Created: {
    type: 'object',
    required: ['service_request_id', 'service_notice', 'account_id'],
    properties: { service_request_id: caseNumber, service_notice: str(), account_id: { type: 'null' } },
  },
  Open311Request: {
    type: 'object',
    required: ['service_request_id', 'status', 'service_name', 'service_code', 'description', 'requested_datetime', 'updated_datetime'],
    properties: {
      service_request_id: caseNumber,
      status: { type: 'string', enum: ['open', 'closed'], description: 'closed = resolved, closed or rejected' },
      status_notes: str('Our finer state, in words'),
      service_name: str(),
      service_code: str(),
      description: str(),
      agency_responsible: nullable('string', { description: 'The assigned unit; null while unassigned' }),
      service_notice: nullable('string'),
      requested_datetime: str('W3C, county offset, e.g. 2026-03-02T10:00:00+08:00'),
      updated_datetime: str('W3C; for a closed request, when it was closed'),
      expected_datetime: nullable('string', { description: 'The deadline, when the case has one' }),
      address: nullable('string'),
      address_id: { type: 'null' },
      zipcode: { type: 'null' },
      lat: { type: 'null' },
      long: { type: 'null' },
      media_url: { type: 'null' },
    },
  },
  Open311Token: { type: 'object', required: ['service_request_id', 'token'], properties: { service_request_id: caseNumber, token: str() } },
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: '县纪委监委 投诉与监督平台 API',
      version: '1.0.0',
      description:
        'JSON API for staff systems (Bearer API tokens, scoped by role like the pages) and the Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2) for hotlines and apps.',
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'API', description: '/api/v1, Bearer token' }, { name: 'Open311', description: 'GeoReport v2; services are public, requests need api_key' }],
    security: [{ bearerAuth: [] }],
    paths: { ...apiPaths, ...open311Paths },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (cft_...), created at /account/tokens' },
        open311ApiKey: { type: 'apiKey', in: 'query', name: 'api_key', description: 'An API token of a commission or supervisor account; may also be sent as the api_key form field' },
      },
      schemas,
    },
  };
}
