import { z } from 'zod';
import { fieldErrors, objectIdString, requiredText } from '../platform/http/validate';

const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]);

/** A new draft: a title and the cases, picked from the level-3 list (ids) and/or typed by number. */
export const bulletinDraftInput = z
  .object({
    title: requiredText(2, 200),
    caseIds: z.preprocess(list, z.array(objectIdString('unknown_case')).max(100, { error: 'too_many' })),
    caseNumbers: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,，;；、]+/).filter(Boolean) : list(v)),
      z.array(z.string().trim().regex(/^[\w-]{1,40}$/, { error: 'unknown_case' })).max(100, { error: 'too_many' }),
    ),
    corrects: z.literal('').transform(() => undefined).or(objectIdString('unknown_bulletin').optional()),
  })
  .strict();
export type BulletinDraftInput = z.infer<typeof bulletinDraftInput>;

const summary = z.object({
  happened: requiredText(1, 2000),
  handling: z.string({ error: 'required' }).trim().max(2000, { error: 'too_long' }),
  outcome: requiredText(1, 2000),
});
export type BulletinEditInput = { title: string; items: Record<number, z.infer<typeof summary>>; remove: number[] };

const ITEM_FIELD = /^items\.(\d{1,3})\.(happened|handling|outcome)$/;

/** The edit form: `title`, `items.<i>.happened|handling|outcome`, `remove` (item indexes). Every bad field at once. */
export function parseBulletinEdit(fields: Record<string, unknown>): { data: BulletinEditInput; errors?: undefined } | { data?: undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const title = requiredText(2, 200).safeParse(fields.title);
  if (!title.success) Object.assign(errors, { title: title.error.issues[0]!.message });
  const raw: Record<number, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(fields)) {
    const m = ITEM_FIELD.exec(k);
    if (m) (raw[Number(m[1])] ??= {})[m[2]!] = v;
    else if (k !== 'title' && k !== 'remove') errors[k] = 'unknown_field';
  }
  const items: BulletinEditInput['items'] = {};
  for (const [i, v] of Object.entries(raw)) {
    const p = summary.safeParse(v);
    if (p.success) items[Number(i)] = p.data;
    else for (const [f, reason] of Object.entries(fieldErrors(p.error.issues))) errors[`items.${i}.${f}`] = reason;
  }
  const remove = list(fields.remove).map(Number);
  if (remove.some((n) => !Number.isInteger(n) || n < 0)) errors.remove = 'invalid';
  if (Object.keys(errors).length || !title.success) return { errors };
  return { data: { title: title.data, items, remove } };
}

export const publishInput = z.object({ published: z.enum(['true', 'false'], { error: 'invalid' }).transform((v) => v === 'true') }).strict();
