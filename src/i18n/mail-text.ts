import type { TFunction } from 'i18next';
import { LANGS, translator, type Lang } from './index';
import type { MailKind } from '../platform/mail/mail.kinds';

/** What a mail's texts interpolate; a function when a value reads differently per language. */
export type MailVars = Record<string, unknown> | ((t: TFunction, lang: Lang) => Record<string, unknown>);

export interface MailTextOptions {
  /** The i18next context of a variant (`body_manual`); none for the usual case. */
  context?: string;
  /** One link under both texts, labelled `mails.links.<label>` in both languages. */
  link?: { label: 'unitCase' | 'commissionCase' | 'track'; url: string };
}

const T = Object.fromEntries(LANGS.map((l) => [l, translator(l)])) as Record<Lang, TFunction>;

/** Both languages of one key, zh-CN first: "zh / en". */
const both = (key: string, vars: (lang: Lang) => Record<string, unknown>) => LANGS.map((l) => T[l](key, vars(l))).join(' / ');

/**
 * Every mail is written here, from `mails.<kind>` in the locale files, the same way: subject
 * "zh / en"; the Chinese body, a rule, the English body; the link; the signature. Nothing a mail
 * says is a literal in its feature's code (the i18n completeness test holds them to that).
 */
export function mailText(kind: MailKind, vars: MailVars = {}, options: MailTextOptions = {}): { subject: string; text: string } {
  const ctx = options.context ? { context: options.context } : {};
  const varsIn = (lang: Lang) => ({ ...(typeof vars === 'function' ? vars(T[lang], lang) : vars), ...ctx });
  const [zhBody, enBody] = LANGS.map((l) => T[l](`mails.${kind}.body`, varsIn(l)));
  const lines = [zhBody!, '—', enBody!, ''];
  if (options.link) lines.push(`${both(`mails.links.${options.link.label}`, () => ({}))}: ${options.link.url}`, '');
  lines.push(both('mails.signature', () => ({})));
  return { subject: both(`mails.${kind}.subject`, varsIn), text: lines.join('\n') };
}

/** A unit's name in the language being written. */
export const unitName = (unit: { nameZh: string; nameEn?: string | null }, lang: Lang) => (lang === 'en' && unit.nameEn ? unit.nameEn : unit.nameZh);

/** "单位、负责人：" / "To unit, head:" — the head named where the mail is also theirs. */
export function unitGreeting(t: TFunction, lang: Lang, unit: { nameZh: string; nameEn?: string | null; head?: { name?: string | null } | null }, withHead = false): string {
  const head = withHead ? unit.head?.name : null;
  return head ? t('mails.greeting.unitHead', { unit: unitName(unit, lang), head }) : t('mails.greeting.unit', { unit: unitName(unit, lang) });
}

/** Where links in mails point: the configured base URL and a path. */
export const mailLink = (baseUrl: string, path: string) => `${baseUrl.replace(/\/$/, '')}${path}`;
