import { calendarOperations } from '../calendar/calendar.openapi';
import { campaignOperations } from '../campaigns/campaigns.openapi';
import { caseOperations } from '../cases/cases.openapi';
import { intakeOperations } from '../intake/intake.openapi';
import { open311Operations } from '../open311/open311.openapi';
import { buildOpenApiDocument, type Operation } from '../platform/http/openapi';
import { rectificationOperations } from '../rectification/rectification.openapi';
import { escalationOperations } from '../escalation/escalation.openapi';
import { evaluationOperations } from '../evaluation/evaluation.openapi';
import { representativeOperations } from '../evaluation/representatives.openapi';
import { unitOperations } from '../units/units.openapi';
import { apiOperations } from './api.openapi';
import { bulletinOperations } from '../bulletins/bulletins.openapi';
import { oversightOperations } from '../oversight/oversight.openapi';

// The OpenAPI 3.1 description of /api/v1 and /open311/v2, served without authentication at
// GET /api/v1/openapi.json. Each feature declares its operations in its own `*.openapi.ts`, from
// the zod schemas its routes validate with; a route added under /api/v1 or /open311/v2 adds its
// operation to its feature's list, and test/integration/openapi.test.ts fails until it does.

export const OPERATIONS: readonly Operation[] = [
  ...apiOperations,
  ...unitOperations,
  ...caseOperations,
  ...intakeOperations,
  ...calendarOperations,
  ...campaignOperations,
  ...open311Operations,
  ...rectificationOperations,
  ...escalationOperations,
  ...representativeOperations,
  ...evaluationOperations,
  ...bulletinOperations,
  ...oversightOperations,
];

let document: Record<string, unknown> | undefined;

/** Built on first request, then kept: the operations do not change while the process runs. */
export function openApiDocument(): Record<string, unknown> {
  document ??= buildOpenApiDocument({
    info: {
      title: '县纪委监委 投诉与监督平台 API',
      version: '1.0.0',
      description:
        'JSON API for staff systems (Bearer API tokens, scoped by role like the pages) and the Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2) for hotlines and apps.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'API', description: '/api/v1, Bearer token' },
      { name: 'Open311', description: 'GeoReport v2; services are public, requests need api_key' },
      { name: 'Escalation', description: 'The overdue board' },
      { name: 'Evaluation', description: 'The two-hundred evaluation (双百双评): registry, draw, ballots, results' },
      { name: 'Oversight', description: 'The monthly three-rate ranking' },
      { name: 'Rectification', description: 'The unit’s handling and the commission’s review (/api/v1/cases/{id}/...)' },
    ],
    security: [{ bearerAuth: [] }],
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (cft_...), created at /account/tokens' },
      open311ApiKey: {
        type: 'apiKey',
        in: 'query',
        name: 'api_key',
        description: 'An API token of a commission or supervisor account (commission or administrator to read requests); may also be sent as the api_key form field',
      },
    },
    operations: OPERATIONS,
  });
  return document;
}
