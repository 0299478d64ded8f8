import { z } from 'zod';
import { SERIES } from '../units/unit.model';
import { BUCKETS, isMonth, PERIODS } from './periods';

const blank = z.literal('').transform(() => undefined);

export const dashboardQuery = z.object({
  period: blank.or(z.enum(PERIODS, { error: 'invalid' }).optional()).transform((v) => v ?? 'month'),
  series: blank.or(z.enum(SERIES, { error: 'invalid' }).optional()),
  bucket: blank.or(z.enum(BUCKETS, { error: 'invalid' }).optional()),
});

export const month = z.string({ error: 'required' }).trim().refine(isMonth, { error: 'invalid_month' });

export const rankingQuery = z.object({ month: month.describe('The month, YYYY-MM (county calendar)') });
export const rankingPageQuery = z.object({ month: blank.or(month.optional()) });
export const publishInput = z.object({ month });
export const historyQuery = z.object({ series: blank.or(z.enum(SERIES, { error: 'invalid' }).optional()) });
