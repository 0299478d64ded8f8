import { z } from 'zod';
import { isIsoDate } from '../calendar/working-days';
import { optionalText } from '../platform/http/validate';

// Reasons are message keys, shown in the user's language next to the field (see i18n `field.*`).
// Forms send '' for empty fields: blank optional fields are left out.

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('false'), z.literal('0'), z.literal(''), z.boolean()], { error: 'invalid' })
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

/** A phone number as people write it; the API document shows the same pattern. */
export const PHONE = /^[0-9+\-() ]{5,30}$/;

const base = {
  categoryCode: z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(64, { error: 'invalid' }),
  unitId: z
    .string({ error: 'invalid' })
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^[a-f0-9]{24}$/.test(v), { error: 'unknown_unit' }),
  description: z.string({ error: 'required' }).trim().min(10, { error: 'too_short' }).max(4000, { error: 'too_long' }),
  place: optionalText(200),
  eventDate: optionalText(10).refine((v) => v === undefined || isIsoDate(v), { error: 'invalid_date' }),
  name: optionalText(50),
  phone: optionalText(30).refine((v) => v === undefined || PHONE.test(v), { error: 'invalid_phone' }),
  email: optionalText(200).refine((v) => v === undefined || z.email().safeParse(v).success, { error: 'invalid_email' }),
};

/** The public form and the public API. `strict`: unknown fields are refused, not ignored. */
export const complaintInput = z.object(base).strict();

/** Special supervisors add who or what the feedback concerns and whether a citizen brought it. */
export const supervisorFeedbackInput = z
  .object({ ...base, concerns: optionalText(200), fromCitizenMet: checkbox })
  .strict();

/** Commission staff enter complaints received by phone, visit or letter. */
export const staffEntryInput = z
  .object({ ...base, channel: z.enum(['phone', 'visit', 'letter'], { error: 'invalid_channel' }) })
  .strict();

/** What the service takes: the parsed form, with blank optional fields left out. */
export interface ComplaintInput {
  categoryCode: string;
  description: string;
  unitId?: string;
  place?: string;
  eventDate?: string;
  name?: string;
  phone?: string;
  email?: string;
  concerns?: string;
  fromCitizenMet?: boolean;
  /** WGS84 coordinates, from channels that send them (Open311). */
  location?: { lat: number; long: number };
  /** The filer's address id (Open311 address_id), kept as sent. */
  addressId?: string;
}
// Compile-time checks that the schemas' outputs fit the interface.
type Fits<T extends ComplaintInput> = T;
export type PublicInput = Fits<z.infer<typeof complaintInput>>;
export type SupervisorInput = Fits<z.infer<typeof supervisorFeedbackInput>>;
export type StaffInput = Fits<z.infer<typeof staffEntryInput>>;
