import { z } from 'zod';
import { isIsoDate } from '../platform/dates';
import { tzOffsetMs } from '../calendar/working-days';

import { formBoolean, instantInput, objectIdString, optionalText, orderedRanges, requiredText, wholeNumber } from '../platform/http/validate';
import { CONTACT_MEANS } from './contact.service';
import { FOLLOW_UP_RESULTS } from './followup.service';
import { ACCOUNTABILITY, OUTCOMES, type Accountability } from './reports.service';

// One schema per request, shared by the pages and the JSON API. Reasons are message keys.

export const sendBackInput = z.object({ reasons: requiredText(4, 1000), basis: requiredText(2, 500) }).strict();

export const sendBackDecisionInput = z.object({ insist: formBoolean, unitId: objectIdString('unknown_unit').optional().or(z.literal('').transform(() => undefined)) }).strict();

export const contactInput = z
  .object({
    at: instantInput((wall) => tzOffsetMs(wall, 'Asia/Shanghai')),
    means: z.enum(CONTACT_MEANS, { error: 'required' }),
    note: optionalText(500),
  })
  .strict();

export const questionInput = z.object({ text: requiredText(4, 1000) }).strict();

export const extensionInput = z.object({ workingDays: wholeNumber(1, 60), reason: requiredText(4, 1000) }).strict();

export const extensionDecisionInput = z.object({ approve: formBoolean, reason: optionalText(500) }).strict();

/** Keywords that name a measure when `accountability` comes as free text (an integrator's words). */
const MEASURE_WORDS: [RegExp, Accountability][] = [
  [/处分|disciplin/i, 'disciplinary'],
  [/诫勉|admonish/i, 'admonishment'],
  [/批评|critic/i, 'criticism'],
  [/移送|移交|transfer/i, 'transferred'],
];

/**
 * Who is accountable and how they were dealt with: one of the measures, `{measure, note}`, or free
 * text (kept as the note; the measure read from its words, else none).
 */
const accountability = z
  .union([z.enum(ACCOUNTABILITY), z.object({ measure: z.enum(ACCOUNTABILITY, { error: 'invalid' }), note: optionalText(500) }), requiredText(1, 500)], { error: 'invalid' })
  .optional()
  .transform((v): { measure: Accountability; note?: string } => {
    if (v === undefined || v === '') return { measure: 'none' };
    if (typeof v === 'object') return v;
    if ((ACCOUNTABILITY as readonly string[]).includes(v)) return { measure: v as Accountability };
    return { measure: MEASURE_WORDS.find(([re]) => re.test(v))?.[1] ?? 'none', note: v };
  });

export const reportInput = z.object({
  findings: requiredText(4, 4000),
  actions: requiredText(4, 4000),
  outcome: z.enum(OUTCOMES, { error: 'required' }),
  result: requiredText(2, 2000),
  accountability,
  accountabilityNote: optionalText(500),
  reply: requiredText(4, 4000),
  internalNotes: optionalText(4000),
}).strict();

export const reviewInput = z.object({ accept: formBoolean, reasons: optionalText(1000), workingDays: z.literal('').transform(() => undefined).or(wholeNumber(1, 366).optional()) }).strict();

export const reopenInput = z.object({ workingDays: wholeNumber(1, 366), reason: requiredText(4, 1000) }).strict();

export const closeInput = z.object({ note: requiredText(4, 1000) }).strict();

export const followUpInput = z.object({ result: z.enum(FOLLOW_UP_RESULTS, { error: 'required' }), note: optionalText(500) }).strict();

export const unreasonableInput = z.object({ reason: requiredText(4, 1000) }).strict();

/** A real date within the years the system counts (2000-2100). */
const periodDate = z.string().refine((v) => isIsoDate(v) && v >= '2000-01-01' && v <= '2100-12-31', { error: 'invalid_date' }).optional();
export const metricsQuery = z.object({ from: periodDate, to: periodDate }).superRefine(orderedRanges(['from', 'to']));


/** A step that takes no fields (signing, closing a question). */
export const noInput = z.object({}).strict();
