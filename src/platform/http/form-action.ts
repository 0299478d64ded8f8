import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationError } from './errors';
import { fieldErrors, formFields } from './validate';

/** What a form page shows again after a refused submission. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, unknown>;
  /** The form's idempotency key, kept so that a corrected resubmission still counts once. */
  key?: string;
}

/** Shows the form's page again with the errors next to the fields, at the given status. */
export type Rerender = (req: Request, res: Response, state: FormState, status: number) => Promise<void> | void;

/** A parser that is not one zod schema (repeated blocks, uploads): data, or errors by field. */
export type FormParser<T> = (fields: Record<string, unknown>, req: Request, res: Response) => { data: T; errors?: undefined } | { data?: undefined; errors: Record<string, string> };

export interface FormActionSpec<T> {
  parse: z.ZodType<T> | FormParser<T>;
  /** Does the work and answers where to go next (303). */
  act(req: Request, input: T, form: { res: Response; key?: string }): Promise<string>;
  rerender: Rerender;
}

/**
 * One way for every page form: parse the fields, re-render with every field's reason on 400, say
 * "changed meanwhile" on 409 (the record left the state the form was opened in), redirect on
 * success. The values are shown again so nothing typed is lost.
 */
export function formAction<T>(spec: FormActionSpec<T>): RequestHandler {
  return async (req, res) => {
    const { fields, key } = formFields(req.body);
    const again = (errors: Record<string, string>, status: number) => spec.rerender(req, res, { errors, values: fields, key }, status);
    let input: T;
    if (spec.parse instanceof z.ZodType) {
      const parsed = spec.parse.safeParse(fields);
      if (!parsed.success) return again(fieldErrors(parsed.error.issues), 400);
      input = parsed.data;
    } else {
      const parsed = spec.parse(fields, req, res);
      if (parsed.errors) return again(parsed.errors, 400);
      input = parsed.data;
    }
    try {
      res.redirect(303, await spec.act(req, input, { res, key }));
    } catch (err) {
      if (err instanceof ValidationError) return again(err.fields ?? {}, 400);
      if (err instanceof AppError && err.status === 409) return again({ _: err.code }, 409);
      throw err;
    }
  };
}
