import { z } from 'zod';
import { wholeNumber } from '../platform/http/validate';
import { REPORT_KINDS } from './report.model';

const blank = (v: unknown) => (v === '' ? undefined : v);

/** A report to generate: its kind and which month, quarter or year (the part the kind needs is required). */
export const reportRequest = z
  .object({
    kind: z.enum(REPORT_KINDS, { error: 'invalid' }),
    year: wholeNumber(2000, 2100),
    month: z.preprocess(blank, wholeNumber(1, 12).optional()),
    quarter: z.preprocess(blank, wholeNumber(1, 4).optional()),
  })
  .strict()
  .superRefine((v, c) => {
    if (v.kind === 'month' && v.month === undefined) c.addIssue({ code: 'custom', path: ['month'], message: 'required' });
    if (v.kind === 'quarter' && v.quarter === undefined) c.addIssue({ code: 'custom', path: ['quarter'], message: 'required' });
  });
export type ReportRequest = z.infer<typeof reportRequest>;
