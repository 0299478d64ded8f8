import { z } from 'zod';
import { objectIdString } from '../platform/http/validate';
import { PUBLIC_ROLES, REPRESENTATIVE_KINDS, type PublicRole, type RepresentativeKind } from './representative.model';

// One set of field rules for the representative registry, used twice: a page form reports each
// reason next to its field, an import reports the first reason of a row as `{line, reason}`. The
// reasons are therefore the stable codes of the import API (missing_name, invalid_email ...), and
// the pages show them through the i18n `representatives.reasons.*` keys.

/** Limits of one import: the API and the page refuse bigger files (413). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The columns an import file may have; `kind` and `name` must be there. */
export const IMPORT_COLUMNS = ['kind', 'name', 'organization', 'email', 'phone', 'unitCode', 'sector', 'publicRole'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['kind', 'name'];

/** Every reason a row can be refused for (the import API's `refused[].reason`). */
export const REFUSAL_REASONS = [
  'missing_kind',
  'invalid_kind',
  'missing_name',
  'name_too_long',
  'missing_organization',
  'organization_too_long',
  'sector_too_long',
  'sector_for_public',
  'invalid_public_role',
  'public_role_for_entrepreneur',
  'invalid_email',
  'invalid_phone',
  'no_contact',
  'unknown_unit',
  'extra_cells',
  'duplicate_in_file',
  'already_registered',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

// What people write in a spreadsheet besides the codes (case and blanks do not count).
const KIND_WORDS: Record<string, RepresentativeKind> = {
  entrepreneur: 'entrepreneur', 企业家: 'entrepreneur', 企业代表: 'entrepreneur', 企业家代表: 'entrepreneur',
  public: 'public', 社会代表: 'public', 群众代表: 'public', 公众代表: 'public', 社会各界代表: 'public',
};
const ROLE_WORDS: Record<string, PublicRole> = {
  deputy: 'deputy', 人大代表: 'deputy',
  cppcc: 'cppcc', 政协委员: 'cppcc',
  leader: 'leader', 县领导: 'leader', 领导: 'leader',
  citizen: 'citizen', 群众: 'citizen', 市民: 'citizen', 居民: 'citizen',
};

/** Trimmed, inner runs of blanks (full-width ones too) made one space; blank is absent. */
function clean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/** Half-width forms of full-width digits and signs (０１３９, ＠, ＋, －), as Chinese input methods type them. */
function narrow(v: unknown): unknown {
  return typeof v === 'string' ? clean(v.normalize('NFKC')) : v;
}

/**
 * A phone number in one written form, or null: a mobile as its 11 digits (a +86 prefix dropped),
 * a landline as `area-number` (010 and 02x have three-digit area codes, the others four), a local
 * number without area code as its 7 or 8 digits. One form, so the same phone written twice
 * ("139 1234 5678", "+86 13912345678") is recognised as the same person.
 */
export function normalizePhone(raw: string): string | null {
  const s = raw.normalize('NFKC').replace(/[\s\-()–—.]/g, '').replace(/^(\+86|0086)/, '');
  const mobile = /^(?:86)?(1[3-9]\d{9})$/.exec(s);
  if (mobile) return mobile[1]!;
  const big = /^(0[12]\d)(\d{8})$/.exec(s);
  if (big) return `${big[1]}-${big[2]}`;
  const other = /^(0[3-9]\d{2})(\d{7,8})$/.exec(s);
  if (other) return `${other[1]}-${other[2]}`;
  if (/^[2-9]\d{6,7}$/.test(s)) return s;
  return null;
}

const text = (max: number, tooLong: RefusalReason) => z.preprocess(clean, z.string({ error: 'invalid' }).max(max, { error: tooLong }).optional());

const fields = {
  kind: z.preprocess(
    (v) => {
      const s = clean(v);
      return typeof s === 'string' ? (KIND_WORDS[s.toLowerCase().replace(/ /g, '')] ?? s) : s;
    },
    z.enum(REPRESENTATIVE_KINDS, { error: (iss) => (iss.input === undefined ? 'missing_kind' : 'invalid_kind') }),
  ),
  name: z.preprocess(clean, z.string({ error: 'missing_name' }).max(50, { error: 'name_too_long' })),
  organization: text(100, 'organization_too_long'),
  sector: text(50, 'sector_too_long'),
  publicRole: z.preprocess(
    (v) => {
      const s = clean(v);
      return typeof s === 'string' ? (ROLE_WORDS[s.toLowerCase().replace(/ /g, '')] ?? s) : s;
    },
    z.enum(PUBLIC_ROLES, { error: 'invalid_public_role' }).optional(),
  ),
  email: z.preprocess(
    (v) => (typeof narrow(v) === 'string' ? (narrow(v) as string).toLowerCase() : narrow(v)),
    z
      .string({ error: 'invalid_email' })
      .max(200, { error: 'invalid_email' })
      .refine((v) => z.email().safeParse(v).success, { error: 'invalid_email' })
      .optional(),
  ),
  phone: z.preprocess(
    clean,
    z
      .string({ error: 'invalid_phone' })
      .max(40, { error: 'invalid_phone' })
      .transform((v, ctx) => {
        const phone = normalizePhone(v);
        if (phone) return phone;
        ctx.addIssue({ code: 'custom', message: 'invalid_phone' });
        return z.NEVER;
      })
      .optional(),
  ),
};

/** What belongs to which kind, and a way to reach them for the ballot. */
function crossCheck(v: { kind: RepresentativeKind; organization?: string; sector?: string; publicRole?: PublicRole; email?: string; phone?: string }, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: RefusalReason) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (v.kind === 'entrepreneur' && !v.organization) issue('organization', 'missing_organization');
  if (v.kind === 'entrepreneur' && v.publicRole) issue('publicRole', 'public_role_for_entrepreneur');
  if (v.kind === 'public' && v.sector) issue('sector', 'sector_for_public');
  if (!v.email && !v.phone) issue('phone', 'no_contact');
}

/** The page's add and edit form. */
export const representativeInput = z
  .object({
    ...fields,
    unitId: z.preprocess(clean, objectIdString('unknown_unit').optional()),
  })
  .strict()
  .superRefine(crossCheck);
export type RepresentativeInput = z.infer<typeof representativeInput>;

/** One row of an import file, its cells by column name (absent columns are blank). */
export const importRow = z
  .object({
    ...fields,
    unitCode: z.preprocess((v) => (typeof clean(v) === 'string' ? (clean(v) as string).toUpperCase() : clean(v)), z.string({ error: 'unknown_unit' }).max(20, { error: 'unknown_unit' }).optional()),
  })
  .superRefine(crossCheck);
export type ImportRow = z.infer<typeof importRow>;

/** The order in which a row's problems are named: the first one is its reason. */
const FIELD_ORDER = ['kind', 'name', 'organization', 'sector', 'publicRole', 'email', 'phone', 'unitCode'];

/** The first reason a row is refused for, reading its fields left to right. */
export function firstReason(issues: readonly z.core.$ZodIssue[]): RefusalReason {
  const rank = (i: z.core.$ZodIssue) => {
    const at = FIELD_ORDER.indexOf(String(i.path[0] ?? ''));
    return at < 0 ? FIELD_ORDER.length : at;
  };
  const first = [...issues].sort((a, b) => rank(a) - rank(b))[0];
  const reason = first?.message;
  if (reason && (REFUSAL_REASONS as readonly string[]).includes(reason)) return reason as RefusalReason;
  // Cells are always text, so every rule answers one of the codes; this names the field anyway.
  return FIELD_FALLBACK[String(first?.path[0] ?? '')] ?? 'invalid_kind';
}

const FIELD_FALLBACK: Record<string, RefusalReason> = {
  kind: 'invalid_kind', name: 'missing_name', organization: 'organization_too_long', sector: 'sector_too_long',
  publicRole: 'invalid_public_role', email: 'invalid_email', phone: 'invalid_phone', unitCode: 'unknown_unit',
};

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The list's filters (page and GET /api/v1/representatives). */
export const listQuery = z.object({
  kind: z.preprocess(blankToUndefined, z.enum(REPRESENTATIVE_KINDS, { error: 'invalid_kind' }).optional()),
  active: z.preprocess(blankToUndefined, z.enum(['true', 'false'], { error: 'invalid' }).optional()),
  q: z.preprocess(clean, z.string({ error: 'invalid' }).max(50, { error: 'too_long' }).optional()),
});
export type ListQuery = z.infer<typeof listQuery>;
