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

async function renderForm(res: Response, spec: { mode: FormMode; action: string }, { values, errors, key }: FormState, status = 200) {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  // A fresh key per form shown: a double click sends the same key twice and files once.
  res.status(status).render('public/complaint', { categories, units, values, errors, idempotencyKey: key ?? newFormKey(), mode: spec.mode, action: spec.action });
}

/**
 * One complaint form for every channel that files through a page: the same fields, checks,
 * attachments and double-submit protection; each mode adds its own fields and next step.
 */
export function complaintFormRoutes<S extends z.ZodType>(ctx: Context, spec: FormSpec<S>): Router {
  const r = Router();
  r.get(spec.path, ...spec.guard, async (_req, res) => renderForm(res, spec, { values: {}, errors: {} }));
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
        const filed = await fileComplaint(ctx, input, spec.filer(req, input), { idempotencyKey: key, attachments: (req.files as UploadedFile[]) ?? [] });
        return spec.done(req, res, filed);
      },
    }),
  );
  return r;
}
