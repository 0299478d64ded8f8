import { z } from 'zod';
import { defineOperation, describing, errorResponse, jsonResponse, unauthorized, type Operation } from '../platform/http/openapi';
import { objectIdString } from '../platform/http/validate';
import type { BallotView } from './ballot.service';
import * as s from './evaluation.schemas';

// The two-hundred evaluation under /api/v1 (routes in evaluation.api.ts). Ballots and the draw
// check are public: a ballot is opened by its one-time code alone, the draw check by anyone.

const dateTime = z.string().meta({ format: 'date-time' });
const idParams = z.object({ id: objectIdString() });
const codeParams = z.object({ code: z.string().describe('The one-time ballot code, e.g. 7K3M-QX2P-9RTA (dashes and case do not matter)') });
const tags = ['Evaluation'];
const forbidden = errorResponse('Not a commission token');
const notFound = errorResponse('No such evaluation');
const conflict = errorResponse('The evaluation is not in a state that allows this (`invalid_state`)');

const evaluationSchema = z
  .object({
    id: z.string(),
    year: z.number().int(),
    name: z.string(),
    state: z.enum(['draft', 'drawn', 'voting', 'closed', 'published']),
    rules: z.record(z.string(), z.unknown()).describe('quota, scale, mapping, weights, handlingWeights, penalties, minBallots, minCases (README "The two-hundred evaluation")'),
    rulesFrozenAt: dateTime.nullable().describe('When voting opened; the rules no longer change'),
    rulePeriod: z.object({ from: z.number().int(), to: z.number().int() }).describe('Years within which consecutive last places count (五年不变)'),
    snapshotHash: z.string().nullable().describe('SHA-256 of the frozen registry, published before the seed is fixed'),
    draw: z.object({ n: z.number().int(), at: dateTime, seed: z.string(), reason: z.string().nullable(), panel: z.number().int() }).nullable().describe('The draw in force'),
    draws: z.number().int().describe('Draws on record (a redraw needs a reason)'),
    vetoes: z.array(z.object({ unitId: z.string(), reason: z.string(), evidence: z.string(), at: dateTime })),
    closedAt: dateTime.nullable(),
    publishedAt: dateTime.nullable(),
  })
  .meta({ id: 'Evaluation' });

const turnoutSchema = z.array(z.object({ kind: z.enum(['entrepreneur', 'public']), issued: z.number().int(), voted: z.number().int(), paper: z.number().int().describe('Of those voted, paper ballots entered by staff') })).describe('Who voted, never what');

const resultsSchema = z
  .object({
    id: z.string(),
    year: z.number().int(),
    state: z.string(),
    series: z.array(
      z.object({
        code: z.string(),
        ranking: z.array(
          z.object({
            unitId: z.string(),
            unitCode: z.string(),
            rank: z.number().int().describe('1 = best; tied units share a rank'),
            total: z.number(),
            panelScore: z.number().nullable(),
            handlingScore: z.number(),
            handlingFromMean: z.boolean().describe('Too few cases: the series mean stands in'),
            ballots: z.number().int(),
            flags: z.array(z.string()).describe('e.g. few_ballots: the outcome needs a confirmation'),
            outcome: z.enum(['commended', 'criticised']).nullable(),
            sanction: z.enum(['written', 'televised', 'resignation']).nullable(),
            consecutive: z.number().int().describe('Consecutive last places within the rule period, this year included'),
            reportToSuperior: z.boolean(),
            vetoed: z.boolean(),
            headName: z.string().nullable(),
            components: z.record(z.string(), z.unknown()).nullable().describe('Every input of the total: ratings by level, response, on-time and satisfaction rates, penalties'),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'EvaluationResults' });

const ratingSchema = z.object({ rating: z.string().nullable(), score: z.number().nullable(), comment: z.string().nullable() });
const ballotSchema = describing<BallotView>()(
  z
    .object({
      evaluation: z.object({ id: z.string(), year: z.number(), name: z.string(), scale: z.enum(['three-level', 'score']) }),
      kind: z.string(),
      series: z.array(z.object({ code: z.string(), units: z.array(z.object({ unitId: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string() })) })),
      ratings: z.record(z.string(), ratingSchema).describe('unitId → the rating saved'),
      rated: z.number(),
      total: z.number().describe('Units to rate (the member’s own unit is not among them)'),
      open: z.boolean(),
    })
    .meta({ id: 'Ballot' }),
);

const panelSchema = z.array(z.object({ representativeId: z.string(), kind: z.enum(['entrepreneur', 'public']) }));
const sanctionsSchema = z.object({
  unitId: z.string(),
  years: z.array(
    z.object({
      year: z.number().int(),
      evaluationId: z.string(),
      series: z.string(),
      rank: z.number().int(),
      total: z.number(),
      outcome: z.string().nullable(),
      sanction: z.string().nullable(),
      consecutive: z.number().int(),
      reportToSuperior: z.boolean(),
      headName: z.string().nullable(),
    }),
  ),
  enteredByHand: z.array(z.object({ year: z.number().int(), note: z.string().nullable() })),
});

const staffOp = (method: 'get' | 'post', path: string, summary: string, ok: ReturnType<typeof jsonResponse>, extra: Partial<Parameters<typeof defineOperation>[0]> = {}) =>
  defineOperation({ method, path, tags, summary, params: idParams, ...extra, responses: { '200': ok, '401': unauthorized, '403': forbidden, '404': notFound, '409': conflict, ...extra.responses } });

export const evaluationOperations: readonly Operation[] = [
  defineOperation({
    method: 'get',
    path: '/api/v1/evaluations',
    tags,
    summary: 'Evaluations, newest year first (commission or administrator tokens)',
    responses: { '200': jsonResponse('The evaluations', z.object({ evaluations: z.array(evaluationSchema) })), '401': unauthorized, '403': errorResponse('Not a commission or administrator token') },
  }),
  defineOperation({
    method: 'post',
    path: '/api/v1/evaluations',
    tags,
    summary: 'Create the year’s evaluation; omitted rules take the defaults (commission tokens)',
    body: s.evaluationInput,
    responses: { '201': jsonResponse('Created', z.object({ id: z.string() })), '400': errorResponse('A field is wrong (`fields`)'), '401': unauthorized, '403': forbidden, '409': errorResponse('An evaluation of that year exists (`year_exists`)') },
  }),
  staffOp('get', '/api/v1/evaluations/{id}', 'One evaluation with its turnout (commission or administrator tokens)', jsonResponse('The evaluation', evaluationSchema.extend({ turnout: turnoutSchema }))),
  staffOp('post', '/api/v1/evaluations/{id}/snapshot', 'Freeze the registry for the draw; answers the hash to publish before the seed is fixed', jsonResponse('The snapshot’s hash', z.object({ snapshotHash: z.string(), people: z.number().int() }))),
  staffOp('get', '/api/v1/evaluations/{id}/snapshot', 'The frozen registry (ids, kinds and groups only; no names or contacts), for anyone to verify the draw', jsonResponse('The snapshot', s.verifyInput.shape.snapshot.nullable())),
  staffOp('post', '/api/v1/evaluations/{id}/draw', 'Draw the panel with the seed fixed at the draw meeting; drawing again needs a reason and keeps the first on record', jsonResponse('The panel', z.object({ snapshotHash: z.string(), algorithm: z.string(), panel: panelSchema })), {
    body: s.drawInput,
    responses: { '400': errorResponse('No seed, or a redraw without a reason') },
  }),
  staffOp('post', '/api/v1/evaluations/{id}/ballots/issue', 'Open voting: each panel member without a ballot gets a one-time code, shown only in this answer', jsonResponse('The codes issued now', z.array(z.object({ representativeId: z.string(), code: z.string() })))),
  staffOp('post', '/api/v1/evaluations/{id}/close', 'Close voting: ballots are counted into per-unit tallies (answers counted, scores sorted, comments apart and shuffled), deleted, and the results computed', jsonResponse('The results', resultsSchema)),
  staffOp('post', '/api/v1/evaluations/{id}/vetoes', 'Veto a unit (一票否决): it ranks last in its series whatever its score', jsonResponse('The results', resultsSchema), { body: s.vetoInput, responses: { '400': errorResponse('A field is wrong (`fields`)') } }),
  staffOp('post', '/api/v1/evaluations/{id}/confirmations', 'Confirm the outcome of a unit flagged for too few valid ballots', jsonResponse('The results', resultsSchema), { body: s.confirmInput, responses: { '400': errorResponse('A field is wrong (`fields`)') } }),
  staffOp('post', '/api/v1/evaluations/{id}/publish', 'Publish: numbered outcome documents and to-dos for commended and last units (all flagged outcomes confirmed first)', jsonResponse('The results', resultsSchema), {
    responses: { '400': errorResponse('Flagged outcomes not confirmed yet (`confirmation_required`)'), '409': errorResponse('Not closed, or a veto changed the inputs after these results (`results_changed`): recomputed by the veto itself, publish again') },
  }),
  staffOp('get', '/api/v1/evaluations/{id}/results', 'The ranking per series with every component (commission or administrator tokens)', jsonResponse('The results', resultsSchema)),
  defineOperation({
    method: 'get',
    path: '/api/v1/units/{id}/sanctions',
    tags,
    summary: 'A unit’s outcomes by year and the last places entered by hand (commission, administrator, or the unit’s own token)',
    params: idParams,
    responses: { '200': jsonResponse('The record', sanctionsSchema), '401': unauthorized, '403': errorResponse('Another unit’s record') },
  }),
  defineOperation({
    method: 'post',
    path: '/api/v1/units/{id}/prior-last-places',
    tags,
    summary: 'Enter a last place of a year before the system, so the sanction ladder starts at the right step (commission tokens)',
    params: idParams,
    body: s.priorLastInput,
    responses: { '201': jsonResponse('The record', sanctionsSchema), '400': errorResponse('A field is wrong (`fields`)'), '401': unauthorized, '403': forbidden, '404': errorResponse('No such unit'), '409': errorResponse('That year is entered already (`already_entered`), or the system evaluated it (`year_evaluated`)') },
  }),
  defineOperation({
    method: 'get',
    path: '/api/v1/ballots/{code}',
    tags,
    summary: 'A ballot by its one-time code (no token; the code is the key)',
    security: [],
    params: codeParams,
    responses: { '200': jsonResponse('The ballot and what is saved on it', ballotSchema), '404': errorResponse('No ballot has that code (also after voting closed)'), '429': errorResponse('Too many wrong codes from this address (BALLOT_MISS_LIMIT_PER_10MIN)') },
  }),
  defineOperation({
    method: 'put',
    path: '/api/v1/ballots/{code}',
    tags,
    summary: 'Save ratings on a ballot; a unit rated again replaces the earlier rating; on a score ballot, score null or rating unknown is 不了解 (no token; the code is the key)',
    security: [],
    params: codeParams,
    body: s.ballotInput,
    responses: {
      '200': jsonResponse('The ballot as saved', ballotSchema),
      '400': errorResponse('`ratings.N.unitId`: unknown_unit or own_unit; `ratings.N.rating`: required; `ratings.N.score`: out_of_range'),
      '404': errorResponse('No ballot has that code'),
      '409': errorResponse('Voting is closed (`voting_closed`)'),
      '429': errorResponse('Too many wrong codes from this address'),
    },
  }),
  defineOperation({
    method: 'post',
    path: '/api/v1/draw/verify',
    tags,
    summary: 'Recompute a draw from a published snapshot and seed (no token; the same as `npm run draw:verify`)',
    security: [],
    body: s.verifyInput,
    responses: { '200': jsonResponse('The snapshot’s hash and the panel in draw order', z.object({ snapshotHash: z.string(), panel: panelSchema })), '400': errorResponse('Not a snapshot') },
  }),
];
