import { randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Context } from '../context';
import { listActiveCategories } from '../cases/category.service';
import { acceptAttachments, type UploadedFile } from '../platform/files/attachments';
import type { ValidationError } from '../platform/http/errors';
import { formAction, type FormState } from '../platform/http/form-action';
import { fieldErrors, newFormKey } from '../platform/http/validate';
import { listActiveUnits } from '../units/unit.service';
import type { ComplaintInput } from './complaint.schemas';
import { fileComplaint, type Filed, type Filer } from './filing.service';

/** Who fills the form in: the public, a special supervisor, or commission staff for a caller. */
export type FormMode = 'public' | 'supervisor' | 'staff';

export interface FormSpec<S extends z.ZodType> {
  mode: FormMode;
  /** GET shows the form here; POST files it at `action`. */
  path: string;
  action: string;
  /** Role checks, on the form and on filing. */
  guard: RequestHandler[];
  /** Extra checks on filing only (e.g. the per-IP flood limit, which must not count form views). */
  onFile?: RequestHandler[];
  schema: S;
  filer(req: Request, input: z.infer<S>): Filer;
  /** Where the filer goes next (a receipt, their list, the new case). */
  done(req: Request, res: Response, filed: Filed): string;
}

/** The per-browser nonce the form's idempotency key is bound to (see IntakeOptions.browser). */
const BROWSER_COOKIE = 'intake_browser';
const BROWSER_NONCE = /^[\w-]{32}$/;

/** This browser's nonce, set with the form when it has none yet. */
function browserNonce(req: Request, res: Response, secure: boolean): string {
  const sent = req.cookies?.[BROWSER_COOKIE] as unknown;
  if (typeof sent === 'string' && BROWSER_NONCE.test(sent)) return sent;
  const nonce = randomBytes(24).toString('base64url');
  res.cookie(BROWSER_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  return nonce;
}

async function renderForm(res: Response, spec: { mode: FormMode; action: string }, { values, errors, key }: FormState, status = 200) {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  // The page carries the idempotency key (and what the filer typed): no cache, no back-button copy.
  res.setHeader('Cache-Control', 'no-store');
  // A fresh key per form shown: a double click sends the same key twice and files once.
  res.status(status).render('public/complaint', { categories, units, values, errors, idempotencyKey: key ?? newFormKey(), mode: spec.mode, action: spec.action });
}

/**
 * One complaint form for every channel that files through a page: the same fields, checks,
 * attachments and double-submit protection; each mode adds its own fields and next step.
 */
export function complaintFormRoutes<S extends z.ZodType>(ctx: Context, spec: FormSpec<S>): Router {
  const r = Router();
  const secure = ctx.config.NODE_ENV === 'production';
  r.get(spec.path, ...spec.guard, async (req, res) => {
    browserNonce(req, res, secure);
    await renderForm(res, spec, { values: {}, errors: {} });
  });
  r.post(
    spec.action,
    ...spec.guard,
    ...(spec.onFile ?? []),
    acceptAttachments(),
    formAction<ComplaintInput & z.infer<S>>({
      // Upload problems (too many, too large) are reported with the other fields' reasons.
      parse: (fields, _req, res) => {
        const parsed = spec.schema.safeParse(fields);
        const upload = (res.locals.uploadError as ValidationError | undefined)?.fields ?? {};
        if (parsed.success && !Object.keys(upload).length) return { data: parsed.data as ComplaintInput & z.infer<S> };
        return { errors: { ...fieldErrors(parsed.error?.issues ?? []), ...upload } };
      },
      rerender: (_req, res, state, status) => renderForm(res, spec, state, status),
      act: async (req, input, { res, key }) => {
        // A post without the cookie (cleared meanwhile) gets a fresh nonce: it files, and never
        // matches a key someone else used.
        const browser = browserNonce(req, res, secure);
        const filed = await fileComplaint(ctx, input, spec.filer(req, input), { idempotencyKey: key, browser, attachments: (req.files as UploadedFile[]) ?? [] });
        return spec.done(req, res, filed);
      },
    }),
  );
  return r;
}
