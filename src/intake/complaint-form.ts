import { randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Context } from '../context';
import { fileComplaint, type Filed, type Filer } from './filing.service';
import type { ComplaintInput } from './complaint.schemas';
import { listActiveCategories } from '../cases/category.service';
import { ValidationError } from '../platform/http/errors';
import { fieldErrors, parseOrThrow } from '../platform/http/validate';
import { listActiveUnits } from '../units/unit.service';
import { acceptAttachments, type UploadedFile } from '../platform/files/attachments';
import { idempotencyKey } from './intake.schemas';

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
  /** What the filer sees next (a receipt, their list, the new case). */
  done(req: Request, res: Response, filed: Filed): void;
}

/** Splits the form's own fields (CSRF token, idempotency key) from the service's input. */
export function formFields(req: Request): { fields: Record<string, unknown>; key?: string } {
  const { _csrf, idempotencyKey: key, ...fields } = (req.body ?? {}) as Record<string, unknown>;
  void _csrf;
  const parsedKey = idempotencyKey.safeParse(key);
  return { fields, key: parsedKey.success ? parsedKey.data : undefined };
}

async function renderForm(res: Response, spec: { mode: FormMode; action: string }, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  // A fresh key per form shown: a double click sends the same key twice and files once.
  const key = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : randomBytes(18).toString('base64url');
  res.status(status).render('public/complaint', { categories, units, values, errors, idempotencyKey: key, mode: spec.mode, action: spec.action });
}

/**
 * One complaint form for every channel that files through a page: the same fields, checks,
 * attachments and double-submit protection; each mode adds its own fields and next step.
 */
export function complaintFormRoutes<S extends z.ZodType>(ctx: Context, spec: FormSpec<S>): Router {
  const r = Router();
  r.get(spec.path, ...spec.guard, async (_req, res) => renderForm(res, spec, {}, {}));
  r.post(spec.action, ...spec.guard, ...(spec.onFile ?? []), acceptAttachments(), async (req, res) => {
    const { fields, key } = formFields(req);
    try {
      if (res.locals.uploadError) {
        const others = fieldErrors(spec.schema.safeParse(fields).error?.issues ?? []);
        throw new ValidationError({ ...others, ...(res.locals.uploadError as ValidationError).fields });
      }
      const input = parseOrThrow(spec.schema, fields) as ComplaintInput & z.infer<S>;
      const filed = await fileComplaint(ctx, input, spec.filer(req, input), { idempotencyKey: key, attachments: (req.files as UploadedFile[]) ?? [] });
      spec.done(req, res, filed);
    } catch (err) {
      if (err instanceof ValidationError) return renderForm(res, spec, { ...fields, idempotencyKey: key }, err.fields ?? {}, 400);
      throw err;
    }
  });
  return r;
}
