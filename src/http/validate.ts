import { z } from 'zod';
import { ValidationError } from './errors';

/** Zod issues as {field: reason}, first reason per field. Reasons are message keys ("too_short"). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (!(key in fields)) fields[key] = issue.code === 'unrecognized_keys' ? 'unknown_field' : issue.message;
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

/** An optional text field: trimmed, at most `max` characters; blank (as forms send it) is left out. */
export const optionalText = (max: number) =>
  z
    .string({ error: 'invalid' })
    .trim()
    .max(max, { error: 'too_long' })
    .optional()
    .transform((v) => (v ? v : undefined));
