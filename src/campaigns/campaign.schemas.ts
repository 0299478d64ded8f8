import { z } from 'zod';
import { isIsoDate } from '../calendar/working-days';
import { optionalText } from '../platform/http/validate';

// Reasons are message keys, shown in the user's language next to the field (i18n `field.*`).
// Forms send '' for empty fields: blank optional fields are left out.

/** Opinions per letter the service accepts; the page shows OPINION_BLOCKS of them. */
export const MAX_OPINIONS = 20;
export const OPINION_BLOCKS = 5;
export const MAX_LETTERS = 100000;


const objectId = (reason: string) => z.string({ error: 'required' }).trim().min(1, { error: 'required' }).regex(/^[a-f0-9]{24}$/, { error: reason });

const optionalObjectId = (reason: string) =>
  optionalText(24).refine((v) => v === undefined || /^[a-f0-9]{24}$/.test(v), { error: reason });

const isoDate = z.string({ error: 'required' }).trim().min(1, { error: 'required' }).refine(isIsoDate, { error: 'invalid_date' });

/** A whole number from a form field ('12') or JSON (12). */
const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : v),
    z
      .number({ error: (issue) => (issue.input === undefined || issue.input === '' ? 'required' : 'invalid') })
      .int({ error: 'not_integer' })
      .min(min, { error: 'out_of_range' })
      .max(max, { error: 'out_of_range' }),
  );

export const campaignInput = z
  .object({
    title: z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(200, { error: 'too_long' }),
    year: wholeNumber(2000, 2100),
    startDate: isoDate,
    endDate: isoDate,
  })
  .strict()
  .refine((c) => c.endDate >= c.startDate, {
    error: 'end_before_start',
    path: ['endDate'],
    // Checked even when another field is wrong, so the page reports every error at once.
    when: (payload) => {
      const v = payload.value as { startDate?: unknown; endDate?: unknown };
      return isIsoDate(v.startDate) && isIsoDate(v.endDate);
    },
  });
export type CampaignInput = z.infer<typeof campaignInput>;

export const distributionInput = z
  .object({ supervisorId: objectId('unknown_supervisor'), letters: wholeNumber(0, MAX_LETTERS) })
  .strict();
export type DistributionInput = z.infer<typeof distributionInput>;

const opinionInput = z
  .object({
    categoryCode: z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(64, { error: 'invalid' }),
    unitId: optionalObjectId('unknown_unit'),
    description: z.string({ error: 'required' }).trim().min(10, { error: 'too_short' }).max(4000, { error: 'too_long' }),
  })
  .strict();
export type OpinionInput = z.infer<typeof opinionInput>;

export const letterInput = z
  .object({
    receivedOn: isoDate,
    collectedBy: optionalObjectId('unknown_supervisor'),
    returnerName: optionalText(50),
    returnerUnit: optionalText(100),
    returnerPhone: optionalText(30).refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(v), { error: 'invalid_phone' }),
    opinions: z
      .array(opinionInput, { error: 'no_opinions' })
      .min(1, { error: 'no_opinions' })
      .max(MAX_OPINIONS, { error: 'too_many_opinions' }),
  })
  .strict();
export type LetterInput = z.infer<typeof letterInput>;

const OPINION_FIELD = /^opinions\.(\d{1,2})\.(categoryCode|unitId|description)$/;

export interface LetterForm {
  /** The form's fields with the opinion blocks gathered into `opinions`, blank blocks left out. */
  fields: Record<string, unknown>;
  /** The block number on the page of each entry of `fields.opinions`. */
  blocks: number[];
}

/**
 * The page names opinion fields `opinions.<block>.<field>` (flat, as the urlencoded parser keeps
 * them). Blocks left entirely blank are ignored: the page always shows several.
 */
export function gatherOpinions(body: Record<string, unknown>): LetterForm {
  const fields: Record<string, unknown> = {};
  const byBlock = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    const m = OPINION_FIELD.exec(key);
    if (!m) {
      fields[key] = value;
      continue;
    }
    const block = Number(m[1]);
    byBlock.set(block, { ...byBlock.get(block), [m[2]!]: value });
  }
  const blank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');
  const blocks = [...byBlock.keys()].sort((a, b) => a - b).filter((b) => !Object.values(byBlock.get(b)!).every(blank));
  fields.opinions = blocks.map((b) => byBlock.get(b));
  return { fields, blocks };
}

/** Error keys about opinion i (`opinions.i.field`) renamed to the block the page showed it in. */
export function errorsOnBlocks(errors: Record<string, string>, blocks: readonly number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, reason] of Object.entries(errors)) {
    const m = /^opinions\.(\d+)(\..+)?$/.exec(key);
    const block = m ? blocks[Number(m[1])] : undefined;
    out[m && block !== undefined ? `opinions.${block}${m[2] ?? ''}` : key] = reason;
  }
  return out;
}
