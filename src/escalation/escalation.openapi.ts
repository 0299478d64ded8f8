import { z } from 'zod';
import { defineOperation, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { boardQuery } from './board.service';

const row = z
  .object({
    caseId: z.string(),
    number: z.string(),
    unitId: z.string(),
    unitCode: z.string(),
    unitName: z.object({ zh: z.string(), en: z.string() }),
    series: z.string().nullable(),
    categoryCode: z.string(),
    priority: z.string().nullable(),
    status: z.string(),
    deadlineDate: z.string().meta({ format: 'date' }),
    daysLeft: z.number().nullable().describe('Working days left; negative when overdue'),
    overdue: z.boolean(),
    level: z.number().int().min(0).max(3),
    manual: z.boolean(),
    problem: z.boolean(),
    paused: z.boolean(),
  })
  .meta({ id: 'OverdueRow' });

export const escalationOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/overdue',
    tags: ['Escalation'],
    summary: 'The overdue board: cases a unit has in hand that are overdue or due soon, by series, unit and level (commission tokens)',
    query: boardQuery,
    responses: { '200': jsonResponse('The rows', z.object({ cases: z.array(row) })), '400': errorResponse('A filter is wrong'), '401': unauthorized, '403': errorResponse('Not a commission or administrator token') },
  }),
];
