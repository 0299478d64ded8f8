import { z } from 'zod';
import { defineOperation, describing, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { PUBLIC_ROLES, REPRESENTATIVE_KINDS } from './representative.model';
import { CSV_TYPES } from './representatives.api';
import { IMPORT_COLUMNS, listQuery, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, REFUSAL_REASONS, XLSX_TYPE } from './representatives.schemas';
import type { ImportReport, RepresentativeCounts, RepresentativeView } from './representatives.service';

// The representative registry under /api/v1 (routes in representatives.api.ts).

const dateTime = z.string().meta({ format: 'date-time' });

export const representativeSchema = describing<RepresentativeView>()(
  z
    .object({
      id: z.string().describe('Object id (24 hex digits)'),
      kind: z.enum(REPRESENTATIVE_KINDS),
      name: z.string(),
      organization: z.string().nullable().describe('Company (entrepreneurs) or body'),
      sector: z.string().nullable().describe('Entrepreneurs: their sector'),
      publicRole: z.enum(PUBLIC_ROLES).nullable().describe('Public representatives: deputy (人大代表), cppcc (政协委员), leader (县领导), citizen (群众); null when not stated'),
      email: z.string().nullable().describe('Commission tokens only; null for administrators (see hasEmail)'),
      phone: z.string().nullable().describe('Commission tokens only, in one written form (13912345678, 0571-8765432)'),
      hasEmail: z.boolean(),
      hasPhone: z.boolean(),
      unitId: z.string().nullable().describe('The evaluated unit they work for (they do not rate it)'),
      unitCode: z.string().nullable(),
      active: z.boolean().describe('Inactive representatives are not drawn'),
      drawnAt: dateTime.nullable().describe('First drawn into a panel; from then on the kind is fixed and they are never deleted'),
      createdAt: dateTime,
      updatedAt: dateTime,
    })
    .meta({ id: 'Representative' }),
);

const countsSchema = describing<RepresentativeCounts>()(
  z
    .object({
      entrepreneur: z.number().int(),
      public: z.number().int(),
      publicRoles: z.object({ deputy: z.number().int(), cppcc: z.number().int(), leader: z.number().int(), citizen: z.number().int(), unspecified: z.number().int() }),
      inactive: z.number().int(),
    })
    .describe('Active representatives per kind and public role; inactive ones in all'),
);

const importReportSchema = describing<ImportReport>()(
  z
    .object({
      imported: z.number().int(),
      refused: z.array(z.object({ line: z.number().int().describe('The file’s line (CSV) or row (XLSX); the header is line 1'), reason: z.enum(REFUSAL_REASONS) })),
    })
    .meta({ id: 'RepresentativeImport' }),
);

const importBody = z
  .string()
  .describe(
    `A CSV file (UTF-8, or GBK/GB18030 when the charset says so or the text is not UTF-8) or an XLSX workbook (its first sheet). ` +
      `The first row is the header: ${IMPORT_COLUMNS.join(', ')} (any order, case-insensitive; kind and name required). ` +
      `kind: entrepreneur | public; publicRole: ${PUBLIC_ROLES.join(' | ')}; unitCode: an active unit’s code. At most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS} rows.`,
  );

export const representativeOperations: readonly Operation[] = [
  defineOperation({
    method: 'post',
    path: '/api/v1/representatives/import',
    tags: ['Evaluation'],
    summary: 'Import representatives from CSV or XLSX; each row is added or refused with its line and reason (commission tokens)',
    description:
      'Rows are checked one by one; a refused row does not stop the others. The same person (same name and the same phone or email) is refused as `already_registered`, so importing the same file again imports nothing. Reasons: ' +
      REFUSAL_REASONS.join(', ') +
      '. The file as a whole is refused with 400 (`empty_file`, `invalid_header` with the columns in `fields`, `invalid_csv`, `invalid_xlsx`, `invalid_encoding`, `xls_not_supported`), 413 (`payload_too_large`, `too_many_rows`) or 415.',
    body: importBody,
    bodyTypes: [...CSV_TYPES, XLSX_TYPE],
    responses: {
      '200': jsonResponse('What was imported and what was refused', importReportSchema),
      '400': errorResponse('The file cannot be read as a registry (see the description)'),
      '401': unauthorized,
      '403': errorResponse('Not a commission token'),
      '413': errorResponse(`Larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB (\`payload_too_large\`) or more than ${MAX_IMPORT_ROWS} rows (\`too_many_rows\`)`),
      '415': errorResponse('Neither CSV nor XLSX (`unsupported_media_type`)'),
    },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/representatives',
    tags: ['Evaluation'],
    summary: 'The representative registry with counts (commission tokens; administrator tokens without contact details)',
    query: listQuery,
    fields: { active: { description: 'true: active only; false: inactive only' }, q: { description: 'Part of the name or organization' } },
    responses: {
      '200': jsonResponse('The representatives, by kind and name', z.object({ representatives: z.array(representativeSchema), counts: countsSchema })),
      '400': errorResponse('A filter is wrong'),
      '401': unauthorized,
      '403': errorResponse('Not a commission or administrator token'),
    },
  }),
];
