import { z } from 'zod';
import { objectIdString, requiredText, wholeNumber } from '../platform/http/validate';
import { RATINGS } from './scoring';

const share = z.number({ error: 'invalid' }).min(0, { error: 'out_of_range' }).max(1, { error: 'out_of_range' });

/** POST /evaluations: omitted rules take the defaults (README "The two-hundred evaluation"). */
export const evaluationInput = z
  .object({
    year: wholeNumber(2000, 2100),
    name: requiredText(2, 100),
    rules: z
      .object({
        quota: z.object({ entrepreneur: wholeNumber(0, 1000), public: wholeNumber(0, 1000), groups: z.record(z.enum(['entrepreneur', 'public']), z.record(z.string(), wholeNumber(0, 1000))).optional() }).strict().optional(),
        scale: z.enum(['three-level', 'score'], { error: 'invalid' }).optional(),
        mapping: z.object({ satisfied: wholeNumber(0, 100), basically_satisfied: wholeNumber(0, 100), dissatisfied: wholeNumber(0, 100) }).strict().optional(),
        weights: z.object({ panel: share, handling: share }).strict().optional(),
        handlingWeights: z.object({ response: share, onTime: share, satisfaction: share }).strict().optional(),
        penalties: z.object({ level3: z.number().min(0).max(100), returnedReport: z.number().min(0).max(100) }).strict().optional(),
        minBallots: wholeNumber(0, 1000).optional(),
        minCases: wholeNumber(0, 1000).optional(),
      })
      .strict()
      .optional(),
    rulePeriod: z.object({ from: wholeNumber(2000, 2100), to: wholeNumber(2000, 2100) }).strict().optional(),
  })
  .strict();

export const drawInput = z.object({ seed: requiredText(1, 200), reason: requiredText(4, 500).optional() }).strict();

export const ballotInput = z
  .object({
    ratings: z
      .array(
        z
          .object({
            unitId: objectIdString('unknown_unit'),
            rating: z.enum(RATINGS, { error: 'invalid' }).optional(),
            score: z.number().int().min(0).max(100).nullable().optional(),
            comment: z.string().trim().max(500, { error: 'too_long' }).optional(),
          })
          .strict(),
      )
      .max(200, { error: 'too_many' }),
  })
  .strict();

export const vetoInput = z.object({ unitId: objectIdString('unknown_unit'), reason: requiredText(4, 500), evidence: requiredText(4, 2000) }).strict();
export const confirmInput = z.object({ unitId: objectIdString('unknown_unit'), note: requiredText(2, 500) }).strict();
export const priorLastInput = z.object({ year: wholeNumber(2000, 2100), note: requiredText(2, 500) }).strict();

export const verifyInput = z
  .object({
    snapshot: z.object({
      evaluation: z.string(),
      takenAt: z.string(),
      quota: z.object({ entrepreneur: z.number().int().min(0), public: z.number().int().min(0), groups: z.any().optional() }),
      people: z.array(z.object({ id: z.string(), kind: z.enum(['entrepreneur', 'public']), group: z.string().nullable().optional() })).max(100000),
    }),
    seed: requiredText(1, 200),
  })
  .strict();
