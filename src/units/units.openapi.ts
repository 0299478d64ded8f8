import { z } from 'zod';
import { defineOperation, describing, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { SERIES } from './unit.model';
import type { UnitView } from './unit.service';

// The operation of /api/v1/units (route in api/api.routes.ts).

export const unitSchema = describing<UnitView>()(
  z
    .object({ id: z.string().describe('Object id (24 hex digits)'), code: z.string(), series: z.enum(SERIES), nameZh: z.string(), nameEn: z.string() })
    .meta({ id: 'Unit' }),
);

export const unitOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/units',
    tags: ['API'],
    summary: 'Active units',
    responses: { '200': jsonResponse('The units', z.object({ units: z.array(unitSchema) })), '401': unauthorized },
  }),
];
