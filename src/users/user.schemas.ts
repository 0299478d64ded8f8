import { z } from 'zod';
import { isIsoDate } from '../platform/dates';
import { ROLES } from './user.model';
import { optionalText } from '../platform/http/validate';

const date = optionalText(10).refine((v) => v === undefined || isIsoDate(v), { error: 'invalid_date' });

export const newUserInput = z
  .object({
    _csrf: z.string(),
    username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, { error: 'invalid_username' }),
    displayName: z.string().trim().min(2, { error: 'too_short' }).max(50, { error: 'too_long' }),
    role: z.enum(ROLES, { error: 'required' }),
    unitId: optionalText(24),
    email: optionalText(200).refine((v) => v === undefined || z.email().safeParse(v).success, { error: 'invalid_email' }),
    password: z.string().min(10, { error: 'password_short' }).max(200, { error: 'too_long' }),
    termStart: date,
    termEnd: date,
    area: optionalText(100),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'unit' && !v.unitId) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'required' });
    if (v.role === 'supervisor' && !v.termStart) ctx.addIssue({ code: 'custom', path: ['termStart'], message: 'required' });
    if (v.termStart && v.termEnd && v.termEnd < v.termStart) ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'end_before_start' });
  });

export type NewUserInput = z.infer<typeof newUserInput>;
