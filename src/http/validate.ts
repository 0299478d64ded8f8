import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Parses input against a schema and reports every bad field at once, as {field: reason}.
 * Reasons are message keys (e.g. "too_short") so pages can show them in the user's language.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (!(key in fields)) fields[key] = issue.message;
  }
  throw new ValidationError(fields);
}
