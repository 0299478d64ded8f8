import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../platform/http/require-role';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { DATASET, datasetYear, datasetYears } from './dataset';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { fieldErrors, formBoolean, formFields, parseOrThrow } from '../platform/http/validate';
import { SHIPPED_YEARS } from './holidays.data';
import { CalendarInputError, countableDate, dueDateInfo, getYear, isCalendarYear, listYears, MIN_YEAR, missingYears, updateYear } from './calendar.service';

// Bounded so one request cannot make the server walk through decades of days.
export const MAX_WORKING_DAYS = 366;

/** GET /api/v1/calendar/due-date's query; the API document (calendar.openapi.ts) shows it too. */
export const dueDateQuery = z.object({
  from: countableDate,
  workingDays: z
    .string({ error: 'invalid' })
    .regex(/^\d{1,3}$/, { error: 'invalid' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_WORKING_DAYS, { error: 'invalid' }),
});

/** Missing is `required`, present but not text (a repeated field) is `invalid`. */
const formText = (max: number) => z.string({ error: (iss) => (iss.input === undefined ? 'required' : 'invalid') }).max(max, { error: 'too_long' });

// The lists are free text (one date per line); their dates are checked by the service. Every
// field is required: the form always sends all three, and a missing list read as an empty one
// would silently wipe that year's days off and move every deadline in it.
const yearForm = z.object({
  holidays: formText(20000),
  workdays: formText(20000),
  source: formText(200).trim(),
  // The box the administrator ticks to save a year without any day off.
  confirmNoHolidays: formBoolean.optional(),
});

/** One date per line; commas and spaces are forgiven, since dates get pasted from notices and sheets. */
function splitDates(text: string): string[] {
  return text.split(/[\s,，;；]+/).filter(Boolean);
}

function yearParam(req: Request): number {
  const raw = String(req.params.year);
  const year = Number(raw);
  if (!/^\d{4}$/.test(raw) || !isCalendarYear(year)) throw new NotFoundError();
  return year;
}

/** GET /calendar/due-date under /api/v1 (token auth comes from the API router). */
export function calendarApiRoutes(): Router {
  const r = Router();
  r.get('/calendar/due-date', requireRole('commission', 'admin', 'unit', 'supervisor'), async (req, res) => {
    const q = parseOrThrow(dueDateQuery, req.query);
    const due = await dueDateInfo(q.from, q.workingDays);
    res.json({ due: due.date, provisional: due.provisional });
  });
  return r;
}

/**
 * Staff pages carry a banner while this year (or, from 1 November, next year) has no holiday
 * arrangement: deadlines there count Monday to Friday until the administrator enters it.
 */
export function calendarBanner(ctx: Pick<Context, 'clock' | 'config'>): RequestHandler {
  return async (req, res, next) => {
    if (req.user && (req.user.role === 'admin' || req.user.role === 'commission') && req.method === 'GET') {
      res.locals.calendarMissing = await missingYears(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
    }
    next();
  };
}

/** The administrator's pages: see every year, edit one, add the next when it is published. */
export function calendarAdminRoutes(): Router {
  const r = Router();
  const admin = requireRole('admin');

  // One-click import of a year from the maintained dataset, shown beside the State Council
  // notice's text (which the administrator pastes) for confirmation before anything is saved.
  const importInput = z.object({ year: z.coerce.number().int(), notice: z.string({ error: 'required' }).trim().min(10, { error: 'too_short' }).max(20000, { error: 'too_long' }) });
  const renderImport = async (res: Response, year: number | null, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) => {
    const known = new Set((await listYears()).map((y) => y.year));
    const offered = datasetYears().filter((y) => y >= MIN_YEAR);
    res.status(status).render('admin/calendar-import', { year, offered, known: [...known], dataset: year ? datasetYear(year) : null, current: year ? await getYear(year) : null, source: DATASET, values, errors });
  };
  r.get('/admin/calendar/import', admin, async (req, res) => {
    const raw = Number(req.query.year);
    await renderImport(res, isCalendarYear(raw) && datasetYear(raw) ? raw : null);
  });
  r.post('/admin/calendar/import', admin, async (req, res) => {
    const parsed = importInput.safeParse(formFields(req.body).fields);
    const year = parsed.success ? parsed.data.year : Number((req.body as Record<string, unknown>)?.year);
    const data = isCalendarYear(year) ? datasetYear(year) : null;
    // No year, or one the dataset does not hold: a bad form, named as such (not "no such page").
    if (!data) throw new ValidationError({ year: Number.isFinite(year) ? 'invalid' : 'required' });
    if (!parsed.success) return renderImport(res, year, formFields(req.body).fields, fieldErrors(parsed.error.issues), 400);
    // The notice's title and number (its first lines) name the source; the dataset is credited.
    const title = parsed.data.notice.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 2).join('，').slice(0, 200);
    await updateYear(year, data.holidays.map((h) => h.date), data.workdays, req.user!.id, `${title}（${DATASET} 导入，已核对原文）`);
    res.redirect(303, `/admin/calendar?saved=${year}`);
  });

  r.get('/admin/calendar', admin, async (req, res) => {
    const years = await listYears();
    const known = years.map((y) => y.year);
    const nextYear = (known.length ? Math.max(...known) : SHIPPED_YEARS[SHIPPED_YEARS.length - 1]!.year) + 1;
    const saved = typeof req.query.saved === 'string' && /^\d{4}$/.test(req.query.saved) ? req.query.saved : '';
    res.render('admin/calendar-list', { years, nextYear, saved });
  });

  const renderForm = (res: Response, year: number, values: Record<string, unknown>, errors: Record<string, string> = {}, dates: Record<string, string> = {}, status = 200) =>
    res.status(status).render('admin/calendar-year', { year, values, errors, dates });

  r.get('/admin/calendar/:year', admin, async (req, res) => {
    const year = yearParam(req);
    const doc = await getYear(year);
    renderForm(res, year, { holidays: doc?.holidays.join('\n') ?? '', workdays: doc?.workdays.join('\n') ?? '', source: doc?.source ?? '' });
  });

  r.post('/admin/calendar/:year', admin, async (req, res) => {
    const year = yearParam(req);
    const { _csrf, ...body } = (req.body ?? {}) as Record<string, unknown>;
    void _csrf;
    try {
      const input = parseOrThrow(yearForm, body);
      await updateYear(year, splitDates(input.holidays), splitDates(input.workdays), req.user!.id, input.source, { allowNoHolidays: input.confirmNoHolidays === true });
      // Post/redirect/get: a reload does not post the form again.
      res.redirect(303, `/admin/calendar?saved=${year}`);
    } catch (err) {
      if (err instanceof CalendarInputError) return renderForm(res, year, body, err.fields, err.dates, 400);
      if (err instanceof ValidationError) return renderForm(res, year, body, err.fields, {}, 400);
      throw err;
    }
  });
  return r;
}
