import { z } from 'zod';
import { defineOperation, describing, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { objectIdString } from '../platform/http/validate';
import type { CampaignListItem, CampaignStats, SupervisorRow } from './campaign.service';

// The operations of /api/v1/campaigns (campaignApiRoutes in campaign.routes.ts).

const id = z.string().describe('Object id (24 hex digits)');
const day = z.string().meta({ format: 'date', description: 'YYYY-MM-DD' });
const count = z.number().int().min(0);
const returnRate = z.number().nullable().describe('Returned per distributed, in percent with one decimal; null when none were distributed');

export const campaignListItemSchema = describing<CampaignListItem>()(
  z.object({ id, title: z.string(), year: z.number().int(), startDate: day, endDate: day, distributed: count, returned: count, returnRate }).meta({ id: 'CampaignListItem' }),
);

const supervisorRow = describing<SupervisorRow>()(z.object({ supervisorId: id, name: z.string(), distributed: count, returned: count }));

export const campaignStatsSchema = describing<CampaignStats>()(
  z
    .object({
      distributed: count,
      returned: count,
      returnRate,
      opinions: count.describe('Opinions filed as cases'),
      resolved: count,
      supervisors: z.array(supervisorRow),
      unattributed: count.describe('Returned letters with no collecting supervisor recorded'),
    })
    .meta({ id: 'CampaignStats' }),
);

export const campaignSchema = z.object({ id, title: z.string(), year: z.number().int(), startDate: day, endDate: day, stats: campaignStatsSchema }).meta({ id: 'Campaign' });

const forbidden = errorResponse('Neither a commission nor an administrator token');

export const campaignOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/campaigns',
    tags: ['API'],
    summary: 'Letter campaigns (commission and admin)',
    responses: { '200': jsonResponse('The campaigns', z.object({ campaigns: z.array(campaignListItemSchema) })), '401': unauthorized, '403': forbidden },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/campaigns/{id}',
    tags: ['API'],
    summary: 'One letter campaign with its figures (commission and admin)',
    params: z.object({ id: objectIdString() }),
    responses: { '200': jsonResponse('The campaign', campaignSchema), '401': unauthorized, '403': forbidden, '404': errorResponse('No such campaign') },
  }),
];
