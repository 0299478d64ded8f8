import { z } from 'zod';
import { defineOperation, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { rankingQuery } from './oversight.schemas';

const rate = z.number().min(0).max(1).nullable().describe('numerator ÷ denominator (0–1); null when nothing was due');

const row = z
  .object({
    unitId: z.string(),
    unitCode: z.string(),
    rank: z.number().int().min(1).nullable().describe('null when tooFewCases'),
    cases: z.number().int().min(0).describe('Cases the unit received (assignments) in the month'),
    responseRate: rate.describe('On-time signing: signed by the signing deadline ÷ due to be signed'),
    resolutionRate: rate.describe('On-time resolution: accepted by the deadline ÷ (accepted + came due unresolved)'),
    satisfactionRate: rate.describe('(满意 + 基本满意) ÷ rated'),
    tooFewCases: z.boolean().describe('Fewer cases than RANKING_MIN_CASES (default 5): not ranked'),
  })
  .meta({ id: 'RankingRow' });

export const oversightOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/rankings/monthly',
    tags: ['Oversight'],
    summary: 'The monthly three-rate ranking (response, on-time resolution, satisfaction) of each series (commission/administrator tokens)',
    description:
      'Ranked by the mean of the rates present, then more cases, then unit code; units with fewer than RANKING_MIN_CASES cases are listed after the ranked ones with rank null and tooFewCases true.',
    query: rankingQuery,
    responses: {
      '200': jsonResponse('The ranking per series', z.object({ series: z.array(z.object({ code: z.string().describe('law_enforcement, comprehensive_management or window_service'), ranking: z.array(row) })) })),
      '400': errorResponse('The month is missing or not YYYY-MM'),
      '401': unauthorized,
      '403': errorResponse('Not a commission or administrator token'),
    },
  }),
];
