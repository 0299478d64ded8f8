import { z } from 'zod';
import { defineOperation, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { ROLES } from '../platform/roles';

// The operations api.routes.ts answers itself: this document and the token's user.

export const meSchema = z
  .object({
    id: z.string().describe('Object id (24 hex digits)'),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    unitId: z.string().nullable().describe('The unit of a unit account'),
  })
  .meta({ id: 'Me' });

export const apiOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/openapi.json',
    tags: ['API'],
    summary: 'This document',
    security: [],
    responses: { '200': jsonResponse('OpenAPI 3.1 document', z.looseObject({ openapi: z.literal('3.1.0') })) },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/me',
    tags: ['API'],
    summary: 'The token’s user',
    responses: { '200': jsonResponse('The user', meSchema), '401': unauthorized },
  }),
];
