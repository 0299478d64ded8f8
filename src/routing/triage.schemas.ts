import { z } from 'zod';
import { PRIORITIES } from './deadline-policy.model';
import { REJECT_REASONS } from './triage.service';
import { countableDate } from '../calendar/calendar.service';
import { optionalText } from '../platform/http/validate';

export const assignInput = z.object({
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
  // What the user saw: a form left open while someone else assigned the case is refused (409).
  assignmentNo: z.coerce.number({ error: 'invalid' }).int().min(0),
});

export const rejectInput = z.object({
  reason: z.enum(REJECT_REASONS, { error: 'required' }),
  note: z.string({ error: 'required' }).trim().min(4, { error: 'too_short' }).max(500, { error: 'too_long' }),
  duplicateOf: optionalText(20),
});

export const duePreviewInput = z.object({
  // A real date in the calendar's years: 2026-02-30 or 9999-12-31 would fail in the day counter.
  from: countableDate.optional(),
  workingDays: z.coerce.number({ error: 'invalid' }).int({ error: 'invalid' }).min(1, { error: 'out_of_range' }).max(366, { error: 'out_of_range' }),
});

export const splitPart = z.object({
  unitId: z.string({ error: 'required' }).trim().regex(/^[a-f0-9]{24}$/, { error: 'unknown_unit' }),
  categoryCode: z.string({ error: 'required' }).trim().min(1, { error: 'required' }),
  priority: z.enum(PRIORITIES, { error: 'required' }),
  description: z.string({ error: 'required' }).trim().min(10, { error: 'too_short' }).max(4000, { error: 'too_long' }),
});

type SplitFormPart = z.infer<typeof splitPart> & { index: number };

/**
 * The split form's part blocks (`parts[i][field]`, up to 5). Blank blocks are ignored; errors
 * are keyed by the block the user filled in (`parts.<i>.<field>`).
 */
export function parseSplitForm(body: Record<string, unknown>): { data: SplitFormPart[]; errors?: undefined } | { data?: undefined; errors: Record<string, string> } {
  const blocks = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^parts\[(\d)\]\[(unitId|categoryCode|priority|description)\]$/.exec(key);
    if (!m) continue;
    const block = blocks.get(Number(m[1])) ?? {};
    block[m[2]!] = value;
    blocks.set(Number(m[1]), block);
  }
  const parts: SplitFormPart[] = [];
  const errors: Record<string, string> = {};
  for (const [index, block] of [...blocks.entries()].sort((a, b) => a[0] - b[0])) {
    if (!String(block.unitId ?? '').trim() && !String(block.description ?? '').trim()) continue;
    const parsed = splitPart.safeParse(block);
    if (parsed.success) parts.push({ ...parsed.data, index });
    else for (const issue of parsed.error.issues) errors[`parts.${index}.${String(issue.path[0])}`] ??= issue.message;
  }
  if (!Object.keys(errors).length && parts.length < 2) errors.parts = 'split_needs_two';
  return Object.keys(errors).length ? { errors } : { data: parts };
}
