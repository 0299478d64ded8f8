import { z } from 'zod';
import { PRIORITIES, type Priority } from './deadline-policy.model';

// Reasons are message keys (i18n `field.*`), shown next to the field in the user's language.

export const MAX_WORDS = 20;
export const MAX_WORD_LENGTH = 30;
export const MAX_ORDER = 100000;
export const MAX_WORKING_DAYS = 366;

/** Keywords and places: one per line, or separated by commas, semicolons or 、 (pasted from documents). */
export function splitWords(text: string): string[] {
  const words = text
    .split(/[\r\n,，;；、]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  return [...new Set(words)];
}

const wordList = z
  .string({ error: 'invalid' })
  .max(2000, { error: 'too_long' })
  .optional()
  .transform((v) => splitWords(v ?? ''))
  .refine((words) => words.length <= MAX_WORDS, { error: 'too_many_words' })
  .refine((words) => words.every((w) => w.length <= MAX_WORD_LENGTH), { error: 'word_too_long' });

// A multi-select posts nothing, one value (a string) or several (an array).
const categoryCodes = z
  .union([z.string(), z.array(z.string())], { error: 'unknown_category' })
  .optional()
  .transform((v) => [...new Set((v === undefined ? [] : Array.isArray(v) ? v : [v]).map((c) => c.trim()).filter(Boolean))])
  .refine((codes) => codes.length <= 100 && codes.every((c) => /^[a-z][a-z0-9_]{1,31}$/.test(c)), { error: 'unknown_category' });

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('false'), z.literal('0'), z.literal('')], { error: 'invalid' })
  .optional()
  .transform((v) => v === 'on' || v === 'true' || v === '1');

/** Whole numbers typed into a form: "abc" and "1.5" are not_integer, 0 or too large out_of_range. */
const integerText = (min: number, max: number) =>
  z
    .string({ error: 'required' })
    .trim()
    .min(1, { error: 'required' })
    .regex(/^\d+$/, { error: 'not_integer' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: 'out_of_range' });

export const ruleInput = z
  .object({
    name: z.string({ error: 'required' }).trim().min(2, { error: 'too_short' }).max(60, { error: 'too_long' }),
    order: integerText(1, MAX_ORDER),
    categoryCodes,
    keywords: wordList,
    places: wordList,
    useNamedUnit: checkbox,
    unitId: z
      .string({ error: 'unknown_unit' })
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^[a-f0-9]{24}$/.test(v), { error: 'unknown_unit' }),
    priority: z.enum(PRIORITIES, { error: 'invalid_priority' }),
  })
  // The service makes this check too; made here, the page shows it together with the other
  // errors (`when`: run even if other fields failed, as long as these two parsed).
  .refine((v) => v.useNamedUnit || !!v.unitId, {
    path: ['unitId'],
    error: 'required',
    when: (payload) => !payload.issues.some((i) => i.path?.[0] === 'unitId' || i.path?.[0] === 'useNamedUnit'),
  })
  // A rule that follows the filer's choice has no unit of its own.
  .transform((v) => ({ ...v, unitId: v.useNamedUnit ? undefined : v.unitId }));

export type RuleForm = z.infer<typeof ruleInput>;

/** The form field of one deadline cell. */
export const cellField = (categoryCode: string, priority: Priority) => `days.${categoryCode}.${priority}`;

/**
 * One cell of the deadline table: absent = leave it as it is; empty = null (the category follows
 * the default row; on the default row itself, back to the shipped default); else 1-366 working days.
 */
const deadlineCell = z
  .string({ error: 'not_integer' })
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (v === '') return null;
    if (!/^\d+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'not_integer' });
      return z.NEVER;
    }
    const n = Number(v);
    if (n < 1 || n > MAX_WORKING_DAYS) {
      ctx.addIssue({ code: 'custom', message: 'days_range' });
      return z.NEVER;
    }
    return n;
  });

/** The whole table for the given rows ('*' first), keyed like `days.<categoryCode>.<priority>`. */
export function deadlineTableInput(categoryCodes: readonly string[]) {
  const shape: Record<string, typeof deadlineCell> = {};
  for (const code of categoryCodes) for (const p of PRIORITIES) shape[cellField(code, p)] = deadlineCell;
  return z.object(shape);
}
