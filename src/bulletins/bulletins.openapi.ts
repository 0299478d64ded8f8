import { z } from 'zod';
import { defineOperation, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { objectIdString } from '../platform/http/validate';

const bulletin = z
  .object({
    id: z.string(),
    number: z.string().nullable().describe('〔2026〕通报第3号 once issued; null for a draft'),
    title: z.string(),
    status: z.enum(['draft', 'issued']),
    issuedAt: z.string().meta({ format: 'date-time' }).nullable(),
    published: z.boolean(),
    publishedAt: z.string().meta({ format: 'date-time' }).nullable(),
    corrects: z.string().nullable().describe('The notice this one corrects'),
    correctedBy: z.string().nullable().describe('The notice that corrects this one'),
    items: z.array(z.object({ caseId: z.string(), caseNumber: z.string(), unitId: z.string().nullable(), unitName: z.string(), happened: z.string(), handling: z.string(), outcome: z.string() })),
  })
  .meta({ id: 'Bulletin' });

const forbidden = errorResponse('Not a commission or administrator token');

export const bulletinOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/bulletins',
    tags: ['Bulletins'],
    summary: 'Typical-case notices (典型案件通报), drafts and issued, newest first (commission tokens)',
    responses: { '200': jsonResponse('The notices', z.object({ bulletins: z.array(bulletin) })), '401': unauthorized, '403': forbidden },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/bulletins/{id}',
    tags: ['Bulletins'],
    summary: 'One typical-case notice with its anonymised summaries (commission tokens)',
    params: z.object({ id: objectIdString() }),
    responses: { '200': jsonResponse('The notice', bulletin), '401': unauthorized, '403': forbidden, '404': errorResponse('No such notice') },
  }),
];
