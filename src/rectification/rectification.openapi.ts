import { z } from 'zod';
import { caseSchema } from '../cases/cases.openapi';
import { defineOperation, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { objectIdString } from '../platform/http/validate';
import * as s from './rectification.schemas';

// The unit's and the commission's handling steps under /api/v1 (routes in rectification.api.ts).

const dateTime = z.string().meta({ format: 'date-time' });
const date = z.string().meta({ format: 'date' });

/** A case with the unit's handling, as GET /cases/{id} and every step answer it (rectification/case.json.ts). */
export const handledCaseSchema = caseSchema
  .extend({
    priority: z.string().nullable(),
    deadline: z.object({ date, at: dateTime, workingDays: z.number() }).nullable().describe('The correction deadline in force (extensions included)'),
    notice: z.object({ id: z.string(), number: z.string().nullable().meta({ examples: ['〔2026〕第15号'] }) }).nullable(),
    signDue: z.object({ date, at: dateTime }).nullable(),
    signedAt: dateTime.nullable(),
    signedLate: z.boolean().nullable(),
    sendBack: z.object({ at: dateTime, unitId: z.string().nullable(), reasons: z.string(), basis: z.string() }).nullable(),
    contacts: z.array(z.object({ at: dateTime, means: z.string(), note: z.string().nullable() })),
    question: z.object({ n: z.number(), at: dateTime, text: z.string() }).nullable().describe('The open question: the case waits for the filer'),
    questions: z.array(z.object({ n: z.number(), at: dateTime, text: z.string(), answeredAt: dateTime.nullable(), answer: z.string().nullable(), closed: z.boolean() })),
    extensions: z.array(
      z.object({ n: z.number(), at: dateTime, workingDays: z.number(), reason: z.string(), status: z.enum(['pending', 'approved', 'refused']), decidedAt: dateTime.nullable(), decisionReason: z.string().nullable(), fromDate: date.nullable(), toDate: date.nullable() }),
    ),
    reports: z.array(
      z.object({
        n: z.number(),
        at: dateTime,
        findings: z.string(),
        actions: z.string(),
        outcome: z.enum(['resolved', 'explained', 'partly']),
        result: z.string(),
        accountability: z.enum(['none', 'criticism', 'admonishment', 'disciplinary', 'transferred']),
        accountabilityNote: z.string().nullable(),
        reply: z.string(),
        internalNotes: z.string().nullable(),
        attachments: z.number(),
        deadline: date.nullable(),
        decision: z.object({ accepted: z.boolean(), at: dateTime, reasons: z.string().nullable(), workingDays: z.number().nullable(), newDeadline: date.nullable(), onTime: z.boolean().nullable() }).nullable(),
      }),
    ),
    redo: z.boolean(),
    returnsCount: z.number(),
    reopenCount: z.number(),
    publicReply: z.object({ at: dateTime, text: z.string() }).nullable(),
    resolvedAt: dateTime.nullable(),
    satisfaction: z.object({ rating: z.string(), comment: z.string().nullable(), at: dateTime, source: z.string() }).nullable(),
    dissatisfiedOpen: z.boolean(),
    unreasonable: z.object({ at: dateTime, reason: z.string() }).nullable(),
    escalation: z
      .object({
        level: z.number().int().min(0).max(3).describe('0 not overdue, 1 催办 urged, 2 督办 supervised, 3 通报 listed, in the current deadline round'),
        problem: z.boolean().describe('问题工单: returned or reopened three times, or sent back by three units'),
        listedAt: dateTime.nullable(),
        events: z.array(z.object({ level: z.number(), dueAt: dateTime, appliedAt: dateTime, manual: z.boolean() })),
      })
      .describe('The overdue ladder; each level with the time it was due and the time it was applied'),
    paused: z.number().int().describe('Working days the deadline moved while the unit’s question to the filer was open'),
  })
  .meta({ id: 'HandledCase' });

const rate = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable() });
const metricsSchema = z
  .looseObject({
    unit: z.object({ id: z.string(), code: z.string() }),
    period: z.object({ from: date, to: date }),
    rates: z.object({ onTimeSigning: rate, firstContact: rate, onTimeResolution: rate, actualResolution: rate, satisfaction: rate, sendBack: rate, redo: rate }),
  })
  .meta({ id: 'UnitMetrics', description: 'Counts and rates with explicit numerator and denominator; definitions in the README' });

const caseId = z.object({ id: objectIdString() });
const caseAndN = z.object({ id: objectIdString(), n: z.coerce.number().int().min(1) });
const notFound = errorResponse('No such case in the token’s scope (another unit’s case is 404)');
const conflict = errorResponse('The case is not in a state that allows this (`invalid_state`), or a limit is reached');
const invalid = errorResponse('A field is wrong: `{error, fields}`');
const answer = (what: string) => jsonResponse(what, handledCaseSchema);
const numbered = (what: string) => jsonResponse(what, z.object({ n: z.number().describe('Its number on the case, from 1'), case: handledCaseSchema }));

function step(path: string, summary: string, body: z.ZodType | null, ok: '200' | '201' = '200', params: z.ZodObject = caseId, created = false): Operation {
  return defineOperation({
    method: 'post',
    path: `/api/v1/cases/{id}${path}`,
    tags: ['Rectification'],
    summary,
    params,
    ...(body ? { body } : {}),
    responses: { [ok]: created ? numbered('Created; the case as it is now') : answer('The case as it is now'), '400': invalid, '401': unauthorized, '403': errorResponse('The role may not take this step'), '404': notFound, '409': conflict },
  });
}

export const rectificationOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/cases/{id}',
    tags: ['API'],
    summary: 'One case with its handling, within the token’s scope (no complainant identity; a filing supervisor sees the published reply, not the unit’s reports)',
    params: caseId,
    responses: { '200': answer('The case'), '401': unauthorized, '404': notFound },
  }),
  step('/sign', 'Unit: sign for the notice (签收); late when after the signing deadline', null),
  step('/send-back', 'Unit: send it back as not its responsibility, within the signing window (退单)', s.sendBackInput),
  step('/send-back/decision', 'Commission: rule on a send-back — insist (same unit, deadline unchanged) or re-route to unitId', s.sendBackDecisionInput),
  step('/contact', 'Unit: record the first contact with the filer (先行联系)', s.contactInput, '201'),
  step('/questions', 'Unit: ask the filer a question (answered through the tracking page)', s.questionInput, '201', caseId, true),
  step('/questions/close', 'Commission: close an unanswered question', null),
  step('/extensions', 'Unit: ask for more working days (延期申请)', s.extensionInput, '201', caseId, true),
  step('/extensions/{n}/decision', 'Commission: approve (deadline moves) or refuse an extension', s.extensionDecisionInput, '200', caseAndN),
  step('/reports', 'Unit: submit the rectification report (整改报告); immutable once submitted', s.reportInput, '201', caseId, true),
  step('/reports/{n}/decision', 'Commission: accept (resolved, reply published) or return with reasons and new working days (退回重办)', s.reviewInput, '200', caseAndN),
  step('/reopen', 'Commission: reopen a resolved case to the same unit with a new deadline (重办)', s.reopenInput),
  step('/close', 'Commission: close a case from the dissatisfied list with a note', s.closeInput),
  step('/follow-up', 'Commission: record a phone follow-up (回访) on the filer’s behalf', s.followUpInput, '201'),
  step('/unreasonable', 'Commission: mark a dissatisfied rating an unreasonable demand (不合理诉求)', s.unreasonableInput),
  defineOperation({
    method: 'get',
    path: '/api/v1/units/{id}/metrics',
    tags: ['Rectification'],
    summary: 'A unit’s handling metrics over a period (default: this year so far); commission tokens, or a unit token for its own unit',
    params: z.object({ id: objectIdString() }),
    query: s.metricsQuery,
    responses: { '200': jsonResponse('The metrics', metricsSchema), '400': invalid, '401': unauthorized, '403': errorResponse('Another unit’s metrics'), '404': errorResponse('No such unit') },
  }),
];
