import type { RequestHandler } from 'express';
import { ValidationError } from './errors';

/**
 * Field names that are members of every object (`toString`, `valueOf`, `constructor`,
 * `__proto__`, ...). JSON makes them own properties: `{"username": {"toString": 1}}` turns the
 * value into something `String()` and EJS cannot print, and `__proto__`/`constructor` are the keys
 * of prototype pollution. No form or API of ours has such a field, so they are refused at the edge.
 */
function reserved(key: string): boolean {
  return key in Object.prototype;
}

interface Visit {
  value: unknown;
  key: string;
  parent?: Visit;
}

/** The path ("username.toString") of the first reserved field name anywhere in a parsed body. */
export function reservedFieldPath(body: unknown): string | undefined {
  // A loop, not recursion: a 100 kB body can nest tens of thousands of levels deep. Paths are
  // built only for the field reported.
  const stack: Visit[] = [{ value: body, key: '' }];
  while (stack.length) {
    const visit = stack.pop()!;
    if (!visit.value || typeof visit.value !== 'object') continue;
    for (const key of Object.keys(visit.value)) {
      const child: Visit = { value: (visit.value as Record<string, unknown>)[key], key, parent: visit };
      if (reserved(key)) return pathOf(child);
      stack.push(child);
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) keys.push(v.key);
  return keys.reverse().join('.');
}

/** Refuses a body with a reserved field name: 400 naming the field. Runs right after the body parsers. */
export const refuseReservedFields: RequestHandler = (req, _res, next) => {
  const at = reservedFieldPath(req.body);
  next(at ? new ValidationError({ [at]: 'reserved_name' }) : undefined);
};
