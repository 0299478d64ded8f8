import { z } from 'zod';
import { defineOperation, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { dueDateQuery, MAX_WORKING_DAYS } from './calendar.routes';

// The operation of /api/v1/calendar/due-date (calendar.routes.ts), from the query schema it validates with.

export const calendarOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/calendar/due-date',
    tags: ['API'],
    summary: 'The date N working days after a date (county working calendar)',
    query: dueDateQuery,
    fields: {
      from: { description: 'YYYY-MM-DD', format: 'date' },
      workingDays: { description: `Working days to add, 1 to ${MAX_WORKING_DAYS}` },
    },
    responses: {
      '200': jsonResponse('The due date', z.object({ due: z.string().meta({ format: 'date', description: 'YYYY-MM-DD' }) })),
      '400': errorResponse('Invalid from or workingDays'),
      '401': unauthorized,
    },
  }),
];
