import { Router, type Request, type Response } from 'express';
import type { Types } from 'mongoose';
import type { z } from 'zod';
import type { Context } from '../context';
import { requireRole } from '../platform/http/require-role';
import { complaintInput, staffEntryInput, supervisorFeedbackInput } from './complaint.schemas';
import { AppError, NotFoundError, ValidationError } from '../platform/http/errors';
import { limitPerIp } from '../platform/http/limits';
import { fieldErrors, formFields, parseOrThrow } from '../platform/http/validate';
import { complaintFormRoutes } from './complaint-form';
import { ratingInput, supplementInput, trackingLookup } from './intake.schemas';
import { addSupplement, openByTracking, rateCase, trackingView } from './tracking.service';
import { claimSecretShowing } from '../cases/identity.service';

const RECEIPT_COOKIE = 'receipt';

export function intakeRoutes(ctx: Context): Router {
  const r = Router();
  const receiptCookie = {
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.NODE_ENV === 'production',
    // Short: on a shared PC in a service hall the next person must not find even the code.
    maxAge: 10 * 60 * 1000,
  };
  const intakeLimit = limitPerIp(ctx, 'intake', ctx.config.INTAKE_LIMIT_PER_HOUR, 3600);
  const trackLimit = limitPerIp(ctx, 'track', ctx.config.TRACK_LIMIT_PER_10MIN, 600);

  r.use(
    complaintFormRoutes(ctx, {
      mode: 'public',
      path: '/complaints/new',
      action: '/complaints',
      guard: [],
      onFile: [intakeLimit],
      schema: complaintInput,
      filer: () => ({ channel: 'web' }),
      // Post/redirect/get with the receipt in a signed cookie: the secret never appears in a URL
      // or a log. The receipt page shows the secret once and then drops it from the cookie.
      done: (_req, res, filed) => {
        res.cookie(RECEIPT_COOKIE, JSON.stringify({ n: filed.number, c: filed.trackingCode, s: filed.trackingSecret }), receiptCookie);
        return '/complaints/received';
      },
    }),
  );

  // Special supervisors file feedback from their portal; they follow it in their list.
  r.use(
    complaintFormRoutes(ctx, {
      mode: 'supervisor',
      path: '/supervisor/feedback/new',
      action: '/supervisor/feedback',
      guard: [requireRole('supervisor')],
      schema: supervisorFeedbackInput,
      filer: (req) => ({ channel: 'supervisor', userId: req.user!.id }),
      done: (_req, _res, filed) => `/supervisor/cases/${filed.id}`,
    }),
  );

  // Commission staff enter what came by phone, visit or letter, with the channel recorded.
  r.use(
    complaintFormRoutes(ctx, {
      mode: 'staff',
      path: '/commission/intake/new',
      action: '/commission/intake',
      guard: [requireRole('commission')],
      schema: staffEntryInput,
      filer: (req, input) => ({ channel: input.channel, userId: req.user!.id }),
      done: (_req, _res, filed) => `/commission/cases/${filed.id}`,
    }),
  );

  r.get('/complaints/received', async (req, res) => {
    let receipt: { n: string; c: string; s?: string } | null = null;
    try {
      receipt = req.signedCookies?.[RECEIPT_COOKIE] ? JSON.parse(req.signedCookies[RECEIPT_COOKIE]) : null;
    } catch {
      receipt = null; // not our JSON (signed, so only an old format): no receipt to show
    }
    res.setHeader('Cache-Control', 'no-store');
    if (receipt?.s) {
      // Shown once: the claim is on the case's identity record, so a reload, a second tab, a
      // replayed cookie or a repeated submission from this browser shows the code only.
      const first = await claimSecretShowing(receipt.c, ctx.clock.now());
      receipt = { n: receipt.n, c: receipt.c, ...(first ? { s: receipt.s } : {}) };
      res.cookie(RECEIPT_COOKIE, JSON.stringify({ n: receipt.n, c: receipt.c }), receiptCookie);
    }
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
    const { fields } = formFields(req.body);
    try {
      const { code, secret } = parseOrThrow(trackingLookup, fields);
      await showCase(res, code, secret);
    } catch (err) {
      if (err instanceof ValidationError) return res.status(400).render('public/track-form', { errors: err.fields ?? {}, values: fields, notFound: false });
      if (err instanceof NotFoundError) return res.status(404).render('public/track-form', { errors: {}, values: fields, notFound: true });
      throw err;
    }
  });

  /** A filer's action on the tracking page: check the form, open the case, act, show the page again. */
  const trackingAction =
    <S extends z.ZodType<{ code: string; secret: string }>>(schema: S, field: string, act: (caseId: Types.ObjectId, input: z.infer<S>) => Promise<void>, done: string) =>
    async (req: Request, res: Response) => {
      const { fields } = formFields(req.body);
      const parsed = schema.safeParse(fields);
      if (!parsed.success) {
        const { code, secret } = parseOrThrow(trackingLookup, { code: fields.code, secret: fields.secret });
        return showCase(res, code, secret, 400, { errors: fieldErrors(parsed.error.issues), values: fields });
      }
      const { code, secret } = parsed.data;
      const caseId = await openByTracking(code, secret);
      try {
        await act(caseId, parsed.data);
      } catch (err) {
        // Not allowed in the case's state (closed, not yet resolved, rated already): say so on the page.
        if (err instanceof AppError && err.status === 409) return showCase(res, code, secret, 409, { errors: { [field]: err.code } });
        throw err;
      }
      await showCase(res, code, secret, 200, { done });
    };

  r.post('/track/supplement', trackLimit, trackingAction(supplementInput, 'text', (id, input) => addSupplement(ctx, id, input.text), 'supplemented'));
  r.post('/track/rate', trackLimit, trackingAction(ratingInput, 'rating', (id, input) => rateCase(ctx, id, input.rating, input.comment), 'rated'));
  return r;
}
