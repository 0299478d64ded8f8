import { z } from 'zod';
import { PRIORITIES } from './deadline-policy.model';
import { REJECT_REASONS } from './triage.service';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: 'too_long' })
    .optional()
    .transform((v) => (v ? v : undefined));

export const assignInput = z.object({
  _csrf: z.string(),
  unitId: z.string({ error: 'required' }).regex(/^[a-f0-9]{24}$/, { error: 'unknown_unit' }),
  categoryCode: z.string({ error: 'required' }).trim().min(1, { error: 'required' }),
  priority: z.enum(PRIORITIES, { error: 'required' }),
  // Empty: the policy's working days for the category and priority.
  workingDays: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine((v) => v === undefined || (Number.isInteger(v) && v >= 1 && v <= 366), { error: 'out_of_range' }),
  basis: optionalText(500),
  requirements: optionalText(1000),
});

export const rejectInput = z.object({
  _csrf: z.string(),
  reason: z.enum(REJECT_REASONS, { error: 'required' }),
  note: z.string({ error: 'required' }).trim().min(4, { error: 'too_short' }).max(500, { error: 'too_long' }),
  duplicateOf: optionalText(20),
});

export const duePreviewInput = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'invalid_date' }).optional(),
  workingDays: z.coerce.number({ error: 'invalid' }).int({ error: 'invalid' }).min(1, { error: 'out_of_range' }).max(366, { error: 'out_of_range' }),
});
