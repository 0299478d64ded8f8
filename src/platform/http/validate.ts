import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { isIsoDate } from '../dates';
import { NotFoundError, ValidationError } from './errors';

/** Zod issues as {field: reason}, first reason per field. Reasons are message keys ("too_short"). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // Name each field the form does not take, not the object that holds them.
      for (const k of issue.keys) fields[[...issue.path, k].join('.')] ??= 'unknown_field';
      continue;
    }
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (!(key in fields)) fields[key] = issue.message;
  }
  return fields;
}

/**
 * Parses input against a schema and reports every bad field at once, so pages can show each
 * reason next to its field in the user's language.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(fieldErrors(result.error.issues));
}

/**
 * A query string against its schema: like parseOrThrow, and a known field sent in bracket form
 * (`?year[]=2026`, `?to[x]=1`) is refused by its own name. Express's simple query parser keeps
 * such a key as written, so the schema would never see it and the filter would silently vanish.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown): z.infer<S> {
  const q = (query ?? {}) as Record<string, unknown>;
  const known = new Set(Object.keys(schema.shape));
  const bracketed: Record<string, string> = {};
  for (const k of Object.keys(q)) {
    const base = k.replace(/\[.*$/, '');
    if (base !== k && known.has(base)) bracketed[base] = 'not_a_list';
  }
  const result = schema.safeParse(q);
  const errors = { ...(result.success ? {} : fieldErrors(result.error.issues)), ...bracketed };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return result.data!;
}

/**
 * Date ranges whose end may not come before their start (county dates, YYYY-MM-DD, compare as
 * text): the end is named, `to: end_before_start`. For every list filtered by from/to.
 */
export function orderedRanges(...pairs: readonly (readonly [start: string, end: string])[]) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [start, end] of pairs) {
      const a = v[start];
      const b = v[end];
      if (typeof a === 'string' && typeof b === 'string' && b < a) ctx.addIssue({ code: 'custom', path: [end], message: 'end_before_start' });
    }
  };
}

/** An optional text field: trimmed, at most `max` characters; blank (as forms send it) is left out. */
export const optionalText = (max: number) =>
  z
    .string({ error: 'invalid' })
    .trim()
    .max(max, { error: 'too_long' })
    .optional()
    .transform((v) => (v ? v : undefined));

/** A MongoDB ObjectId in its 24-hex-digit form. */
export const OBJECT_ID = /^[a-f0-9]{24}$/;
export const objectIdString = (error = 'invalid') => z.string({ error: 'required' }).trim().regex(OBJECT_ID, { error });
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/**
 * A route's id parameter, checked: an id that cannot exist is the same 404 as one that does not,
 * so a malformed link never reaches the database.
 */
export function idParam(req: { params: Record<string, unknown> }, name = 'id'): string {
  const value = req.params[name];
  if (!isObjectId(value)) throw new NotFoundError();
  return value;
}

/** Splits a page form's own fields (CSRF token, idempotency key) from what the service reads. */
export function formFields(body: unknown): { fields: Record<string, unknown>; key?: string } {
  const { _csrf, idempotencyKey: key, ...fields } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  void _csrf;
  return { fields, key: typeof key === 'string' && IDEMPOTENCY_KEY.test(key) ? key : undefined };
}

/** A client-chosen key that makes a repeated submission (double click, retry) count once. */
export const IDEMPOTENCY_KEY = /^[\w-]{16,64}$/;

/** A fresh key for a form about to be shown: a double click then sends the same key twice. */
export function newFormKey(): string {
  return randomBytes(18).toString('base64url');
}

/** A yes/no from a form ('true', 'on', '1', 'false', '0') or JSON (true/false). */
export const formBoolean = z.union([z.boolean(), z.enum(['true', 'false', 'on', '1', '0'])], { error: 'required' }).transform((v) => v === true || v === 'true' || v === 'on' || v === '1');

/** A whole number from a form field ('12') or JSON (12), within bounds; nothing else passes for one. */
export const wholeNumber = (min: number, max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^-?\d{1,9}$/)], { error: 'invalid' })
    .transform((v) => Number(v))
    .pipe(z.number().int({ error: 'invalid' }).min(min, { error: 'out_of_range' }).max(max, { error: 'out_of_range' }));

/** Required text, trimmed, between min and max characters. */
export const requiredText = (min: number, max: number) => z.string({ error: 'required' }).trim().min(min, { error: min > 1 ? 'too_short' : 'required' }).max(max, { error: 'too_long' });

/**
 * An instant: ISO 8601 with an offset, or a local date and time as a datetime-local field sends it
 * (read in `timeZone`, the county's).
 */
export function instantInput(offsetMs: (utcGuess: number) => number) {
  return z.string({ error: 'required' }).trim().transform((v, ctx) => {
    const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
    const real = (m: RegExpExecArray) => isIsoDate(`${m[1]}-${m[2]}-${m[3]}`) && +m[4]! < 24 && +m[5]! < 60 && +(m[6] ?? 0) < 60;
    let ms: number;
    if (local && !real(local)) ms = NaN;
    else if (local) {
      const wall = Date.UTC(+local[1]!, +local[2]! - 1, +local[3]!, +local[4]!, +local[5]!, +(local[6] ?? 0));
      ms = wall - offsetMs(wall);
    } else ms = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'invalid_date' });
      return z.NEVER;
    }
    return new Date(ms);
  });
}
