import { z } from 'zod';
import { defineOperation, describing, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import type { CaseListItem } from './case.service';
import { CASE_STATES, SHOWN_CHANNELS } from './case.states';
import type { listActiveCategories } from './category.service';

// The operations of /api/v1/cases and /api/v1/categories (routes in api/api.routes.ts).

const id = z.string().describe('Object id (24 hex digits)');
const caseNumber = z.string().describe('Case number, county year and sequence').meta({ examples: ['2026-000123'] });
const dateTime = z.string().meta({ format: 'date-time' });
const unitId = z.string().nullable();
const channel = z.enum(SHOWN_CHANNELS).describe('How it came in; unit tokens always get `commission` (submitted to the commission), whoever filed it');

export const caseListItemSchema = describing<CaseListItem>()(
  z
    .object({
      id,
      number: caseNumber,
      status: z.enum(CASE_STATES),
      categoryCode: z.string(),
      channel,
      submittedAt: dateTime,
      assignedUnitId: unitId,
      targetUnitId: unitId.describe('The unit the filer named; null for unit tokens'),
      deadlineDate: z.string().meta({ format: 'date' }).nullable().describe('The correction deadline, once assigned'),
      description: z.string(),
    })
    .meta({ id: 'CaseListItem' }),
);

/** The case's own fields (never the complainant's identity); rectification adds the handling (HandledCase). */
export const caseSchema = z
  .object({
    id,
    number: caseNumber,
    status: z.enum(CASE_STATES),
    channel,
    categoryCode: z.string(),
    description: z.string(),
    place: z.string().nullable(),
    location: z.object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) }).nullable().describe('WGS84 point given with the complaint (Open311 lat/long); null when none'),
    addressId: z.string().nullable().describe('Address-register id given with the complaint (Open311 address_id); null when none'),
    assignedUnitId: unitId,
    submittedAt: dateTime,
    timeline: z.array(z.object({ at: dateTime, action: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
  })
  .meta({ id: 'Case' });

export const categorySchema = describing<Awaited<ReturnType<typeof listActiveCategories>>[number]>()(
  z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }).meta({ id: 'Category' }),
);

export const caseOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/cases',
    tags: ['API'],
    summary: 'Cases the token’s user may see (newest 100): all for commission and admin, assigned ones for a unit, own filings for a supervisor',
    responses: { '200': jsonResponse('The cases', z.object({ cases: z.array(caseListItemSchema) })), '401': unauthorized },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/categories',
    tags: ['API'],
    summary: 'Active complaint categories',
    responses: { '200': jsonResponse('The categories', z.object({ categories: z.array(categorySchema) })), '401': unauthorized },
  }),
];
