import { z } from 'zod';

// Reasons are message keys, shown in the user's language next to the field (see i18n).
const optionalText = (max: number) =>
  z
    .string({ error: 'invalid' })
    .trim()
    .max(max, { error: 'too_long' })
    .optional()
    .transform((v) => (v ? v : undefined));

export const complaintInput = z
  .object({
    categoryCode: z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(64, { error: 'invalid' }),
    unitId: z
      .string({ error: 'invalid' })
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^[a-f0-9]{24}$/.test(v), { error: 'unknown_unit' }),
    description: z
      .string({ error: 'required' })
      .trim()
      .min(10, { error: 'too_short' })
      .max(4000, { error: 'too_long' }),
    place: optionalText(200),
    name: optionalText(50),
    phone: optionalText(30).refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(v), { error: 'invalid_phone' }),
    email: optionalText(200).refine((v) => v === undefined || z.email().safeParse(v).success, { error: 'invalid_email' }),
  })
  .strict();

/** What the service takes: the parsed form, with blank optional fields left out. */
export interface ComplaintInput {
  categoryCode: string;
  description: string;
  unitId?: string;
  place?: string;
  name?: string;
  phone?: string;
  email?: string;
}
// Compile-time check that the schema's output fits the interface.
const _fits: (v: z.infer<typeof complaintInput>) => ComplaintInput = (v) => v;
void _fits;
