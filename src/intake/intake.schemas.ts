import { z } from 'zod';
import { SATISFACTION } from '../cases/case.states';
import { IDEMPOTENCY_KEY } from '../platform/http/validate';

export const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY, { error: 'invalid' });

const code = z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(40, { error: 'invalid' });

export const trackingLookup = z.object({ code, secret: code }).strict();

export const supplementInput = z
  .object({ code, secret: code, text: z.string({ error: 'required' }).trim().min(2, { error: 'too_short' }).max(2000, { error: 'too_long' }) })
  .strict();

export const ratingInput = z
  .object({
    code,
    secret: code,
    rating: z.enum(SATISFACTION, { error: 'required' }),
    comment: z
      .string()
      .trim()
      .max(500, { error: 'too_long' })
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .strict();
