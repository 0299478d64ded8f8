import { z } from 'zod';
import { CASE_STATES, SATISFACTION } from '../cases/case.states';
import { defineOperation, describing, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { OBJECT_ID } from '../platform/http/validate';
import { complaintInput, PHONE, staffEntryInput, supervisorFeedbackInput } from './complaint.schemas';
import type { Filed } from './filing.service';
import { idempotencyKey, ratingInput, supplementInput, trackingLookup } from './intake.schemas';
import type { TrackingView } from './tracking.service';

// The operations of /api/v1/complaints (api/api.routes.ts) and /api/v1/tracking (tracking.api.ts),
// from the schemas those routes validate with.

const caseNumber = z.string().describe('Case number, county year and sequence').meta({ examples: ['2026-000123'] });
const dateTime = z.string().meta({ format: 'date-time' });
const day = z.string().meta({ format: 'date', description: 'YYYY-MM-DD' });
const names = z.object({ zh: z.string(), en: z.string() });
const state = z.string().describe(`The case's state: ${CASE_STATES.join(', ')}`);

export const filedSchema = describing<Filed>()(
  z
    .object({
      id: z.string().describe('Object id (24 hex digits)'),
      number: caseNumber,
      trackingCode: z.string().describe('For the complainant: with the secret, opens their case at /track'),
      trackingSecret: z.string().describe('Shown once; only its hash is stored'),
      repeated: z.boolean().describe('True when this answered a repeat of an earlier submission'),
    })
    .meta({ id: 'Filed' }),
);

export const trackingViewSchema = describing<TrackingView>()(
  z
    .object({
      number: caseNumber,
      status: state,
      submittedAt: dateTime,
      unitName: names.nullable().describe('The unit handling it, once assigned'),
      timeline: z.array(z.object({ at: dateTime, action: z.string(), to: z.string().nullable() })).describe('Only the events the filer may see'),
      supplements: z.array(z.object({ at: dateTime, text: z.string() })),
      publicReply: z.object({ at: dateTime, text: z.string() }).nullable(),
      satisfaction: z.object({ rating: z.string().describe(SATISFACTION.join(', ')), comment: z.string().nullable(), at: dateTime }).nullable(),
      rejection: z.object({ reason: z.string(), note: z.string().nullable(), duplicateOf: z.string().nullable() }).nullable(),
      deadline: day.nullable().describe('While a unit is handling it'),
      parts: z
        .array(z.object({ number: caseNumber, status: state, unitName: names.nullable(), deadline: day.nullable() }))
        .describe('When the commission split the submission: each part'),
      question: z.object({ at: dateTime, text: z.string() }).nullable().describe('The unit’s open question to the filer, answered by adding information'),
      canRate: z.boolean(),
      canSupplement: z.boolean(),
    })
    .meta({ id: 'TrackingView', description: 'The case as its filer sees it: no staff notes, no identity' }),
);

const idempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKey.optional() });

/** Notes on the complaint fields whose rules are refinements (which JSON Schema cannot show). */
const complaintFields = {
  categoryCode: { description: 'An active category code (GET /api/v1/categories)' },
  unitId: { description: 'The unit concerned, if the filer names one (GET /api/v1/units)', pattern: OBJECT_ID.source },
  eventDate: { description: 'When it happened, YYYY-MM-DD', format: 'date' },
  name: { description: 'Complainant; stored apart from the case' },
  phone: { description: 'Complainant; stored apart from the case', pattern: PHONE.source },
  email: { description: 'Complainant; stored apart from the case; gets a receipt', format: 'email' },
  concerns: { description: 'The official or unit concerned' },
  fromCitizenMet: { description: 'A citizen they met brought it' },
  channel: { description: 'How it came in' },
};

const fileComplaint = defineOperation({
  method: 'post',
  path: '/api/v1/complaints',
  tags: ['API'],
  summary: 'File a complaint on someone’s behalf (commission or supervisor token)',
  description:
    'The body is one of three forms, chosen by the token and the body: a supervisor token files feedback (channel `supervisor`, with `concerns`/`fromCitizenMet`); ' +
    'a commission token files on channel `api`, or on `phone`/`visit`/`letter` when the body has `channel`. Unknown fields are refused. ' +
    'An `Idempotency-Key` header makes a retry return the first case (200).',
  headers: idempotencyHeader,
  body: z.union([
    complaintInput.meta({ title: 'Commission token, channel api' }),
    staffEntryInput.meta({ title: 'Commission token, received by phone, visit or letter' }),
    supervisorFeedbackInput.meta({ title: 'Supervisor token' }),
  ]),
  fields: complaintFields,
  responses: {
    '201': jsonResponse('Filed', filedSchema),
    '200': jsonResponse('A repeat with the same Idempotency-Key: the first case', filedSchema),
    '400': errorResponse('Invalid fields (`fields` maps each to a reason key)'),
    '401': unauthorized,
    '403': errorResponse('Neither a commission nor a supervisor token'),
  },
});

/** The filer's tracking operations: public, code + secret in the body, the tracking view back. */
function trackingOperation(path: string, summary: string, body: z.ZodType, ok: '200' | '201', conflict?: string): Operation {
  return defineOperation({
    method: 'post',
    path,
    tags: ['API'],
    summary,
    security: [],
    body,
    fields: { code: { description: 'Tracking code, e.g. 7KQ2M-X9D4T' }, secret: { description: 'The secret shown once at filing' } },
    responses: {
      [ok]: jsonResponse('The case as its filer sees it', trackingViewSchema),
      '400': errorResponse('Invalid fields'),
      '404': errorResponse('Unknown code or wrong secret (the same answer for both)'),
      ...(conflict ? { '409': errorResponse(conflict) } : {}),
      '429': errorResponse('Too many look-ups from this IP'),
    },
  });
}

export const intakeOperations: readonly Operation[] = [
  fileComplaint,
  trackingOperation('/api/v1/tracking', 'Follow a complaint with its tracking code and secret (public)', trackingLookup, '200'),
  trackingOperation('/api/v1/tracking/supplements', 'Add information to one’s complaint (public)', supplementInput, '201', 'The case is closed (`case_closed`)'),
  trackingOperation(
    '/api/v1/tracking/rating',
    'Rate the outcome once the case is resolved (public)',
    ratingInput,
    '201',
    'Not resolved yet, or rated already (`not_rateable`)',
  ),
];
