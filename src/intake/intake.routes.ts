import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Context } from '../context';
import { fileComplaint } from '../cases/case.service';
import { complaintInput } from '../cases/case.schemas';
import { listActiveCategories } from '../cases/category.service';
import { AppError, NotFoundError, ValidationError } from '../http/errors';
import { limitPerIp } from '../http/limits';
import { fieldErrors, parseOrThrow } from '../http/validate';
import { listActiveUnits } from '../units/unit.service';
import { acceptAttachments, type UploadedFile } from './attachments';
import { idempotencyKey, ratingInput, supplementInput, trackingLookup } from './intake.schemas';
import { addSupplement, openByTracking, rateCase, trackingView } from './tracking.service';

const RECEIPT_COOKIE = 'receipt';

/** Splits the form's own fields (CSRF, idempotency key) from the complaint's. */
function formFields(req: Request): { fields: Record<string, unknown>; key?: string } {
  const { _csrf, idempotencyKey: key, ...fields } = (req.body ?? {}) as Record<string, unknown>;
  void _csrf;
  const parsedKey = idempotencyKey.safeParse(key);
  return { fields, key: parsedKey.success ? parsedKey.data : undefined };
}

export async function renderComplaintForm(res: Response, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  // A fresh key per form shown: a double click sends the same key twice and files once.
  const key = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : randomBytes(18).toString('base64url');
  res.status(status).render('public/complaint', { categories, units, values, errors, idempotencyKey: key });
}

export function intakeRoutes(ctx: Context): Router {
  const r = Router();
  const intakeLimit = limitPerIp(ctx, 'intake', ctx.config.INTAKE_LIMIT_PER_HOUR, 3600);
  const trackLimit = limitPerIp(ctx, 'track', ctx.config.TRACK_LIMIT_PER_10MIN, 600);

  r.get('/complaints/new', async (_req, res) => {
    await renderComplaintForm(res, {}, {});
  });

  r.post('/complaints', intakeLimit, acceptAttachments(), async (req, res) => {
    const { fields, key } = formFields(req);
    try {
      if (res.locals.uploadError) {
        const others = fieldErrors(complaintInput.safeParse(fields).error?.issues ?? []);
        throw new ValidationError({ ...others, ...(res.locals.uploadError as ValidationError).fields });
      }
      const input = parseOrThrow(complaintInput, fields);
      const filed = await fileComplaint(ctx, input, { channel: 'web' }, { idempotencyKey: key, attachments: (req.files as UploadedFile[]) ?? [] });
      // Post/redirect/get with the receipt in a signed cookie: a reload shows it again without
      // filing again, and the secret never appears in a URL or a log.
      res.cookie(RECEIPT_COOKIE, JSON.stringify({ n: filed.number, c: filed.trackingCode, s: filed.trackingSecret }), {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.NODE_ENV === 'production',
        maxAge: 30 * 60 * 1000,
      });
      res.redirect(303, '/complaints/received');
    } catch (err) {
      if (err instanceof ValidationError) return renderComplaintForm(res, { ...fields, idempotencyKey: key }, err.fields ?? {}, 400);
      throw err;
    }
  });

  r.get('/complaints/received', (req, res) => {
    let receipt: { n: string; c: string; s: string } | null = null;
    try {
      receipt = req.signedCookies?.[RECEIPT_COOKIE] ? JSON.parse(req.signedCookies[RECEIPT_COOKIE]) : null;
    } catch {
      receipt = null;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.render('public/received', { receipt });
  });

  r.get('/track', (_req, res) => res.render('public/track-form', { errors: {}, values: {}, notFound: false }));

  const showCase = async (res: Response, code: string, secret: string, status = 200, extra: Record<string, unknown> = {}) => {
    const caseId = await openByTracking(code, secret);
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).render('public/track-case', { view: await trackingView(caseId), code, secret, errors: {}, values: {}, ...extra });
  };

  // Look-ups are POSTs so the secret stays out of URLs, history and logs.
  r.post('/track', trackLimit, async (req, res) => {
    const { fields } = formFields(req);
    try {
      const { code, secret } = parseOrThrow(trackingLookup, fields);
      await showCase(res, code, secret);
    } catch (err) {
      if (err instanceof ValidationError) return res.status(400).render('public/track-form', { errors: err.fields ?? {}, values: fields, notFound: false });
      if (err instanceof NotFoundError) return res.status(404).render('public/track-form', { errors: {}, values: fields, notFound: true });
      throw err;
    }
  });

  r.post('/track/supplement', trackLimit, async (req, res) => {
    const { fields } = formFields(req);
    const parsed = supplementInput.safeParse(fields);
    if (!parsed.success) {
      const { code, secret } = parseOrThrow(trackingLookup, { code: fields.code, secret: fields.secret });
      return showCase(res, code, secret, 400, { errors: fieldErrors(parsed.error.issues), values: fields });
    }
    const caseId = await openByTracking(parsed.data.code, parsed.data.secret);
    await addSupplement(ctx, caseId, parsed.data.text);
    await showCase(res, parsed.data.code, parsed.data.secret, 200, { done: 'supplemented' });
  });

  r.post('/track/rate', trackLimit, async (req, res) => {
    const { fields } = formFields(req);
    const parsed = ratingInput.safeParse(fields);
    if (!parsed.success) {
      const { code, secret } = parseOrThrow(trackingLookup, { code: fields.code, secret: fields.secret });
      return showCase(res, code, secret, 400, { errors: fieldErrors(parsed.error.issues), values: fields });
    }
    const caseId = await openByTracking(parsed.data.code, parsed.data.secret);
    try {
      await rateCase(ctx, caseId, parsed.data.rating, parsed.data.comment);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return showCase(res, parsed.data.code, parsed.data.secret, 409, { errors: { rating: err.code } });
      throw err;
    }
    await showCase(res, parsed.data.code, parsed.data.secret, 200, { done: 'rated' });
  });
  return r;
}
