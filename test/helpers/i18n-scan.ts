// The pure part of the i18n completeness test: flattening the message trees, finding the keys a
// template or a source file asks `t()` for, and finding text a view shows without `t()`.
import fs from 'node:fs';
import path from 'node:path';

/** `{a: {b: 'x'}}` → `['a.b']`: every leaf key of a message tree. */
export function flatKeys(tree: unknown, prefix = ''): string[] {
  if (tree === null || typeof tree !== 'object') return [prefix];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

/** The value at a dotted key (a leaf string, a namespace object, or undefined). */
export function lookup(tree: unknown, key: string): unknown {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface KeyUse {
  key: string;
  /** true: `t('prefix.' + x)` or t(`prefix.${x}`); `key` is then the prefix without its dot. */
  dynamic: boolean;
}

/**
 * The keys asked of `t()` (also `req.t(`, `res.locals.t(`) in a template or a source file: static
 * string keys, and the prefix of keys built from a variable. A call with no literal at all
 * (`t(key)`) cannot be checked here and is left out.
 */
export function keysUsed(text: string): KeyUse[] {
  const out: KeyUse[] = [];
  // t('a.b') / t("a.b") / t(`a.b`) and the same with options after a comma
  for (const m of text.matchAll(/\bt\(\s*(['"`])([\w.-]+)\1\s*[,)]/g)) out.push({ key: m[2]!, dynamic: false });
  // t('a.' + x) / t("a." + x)
  for (const m of text.matchAll(/\bt\(\s*(['"])([\w.-]+)\.\1\s*\+/g)) out.push({ key: m[2]!, dynamic: true });
  // t(`a.${x}`)
  for (const m of text.matchAll(/\bt\(\s*`([\w.-]+)\.\$\{/g)) out.push({ key: m[1]!, dynamic: true });
  return out;
}

/** Tokens that read the same in every language: formats, standards, units. */
export const ALLOWED_WORDS = new Set(['PDF', 'API', 'CSV', 'XLSX', 'JSON', 'XML', 'Open', 'ID', 'URL', 'CAPTCHA', 'OK', 'MB', 'KB', 'QR', 'SMS', 'HTTP', 'HTTPS', 'Bearer', 'v']);

/** Attributes a user reads or hears (screen readers), and the table-card labels shown by CSS. */
const VISIBLE_ATTRIBUTES = new Set(['title', 'placeholder', 'aria-label', 'alt', 'data-label', 'label', 'aria-description']);

export interface HardCoded {
  line: number;
  text: string;
}

/** What a text shows that is not a translation: Han characters, or Latin words off the allowlist. */
export function foreignText(text: string): string | null {
  const cleaned = text.replace(/&[#\w]+;/g, ' ');
  if (/\p{Script=Han}/u.test(cleaned)) return cleaned.trim();
  const words = (cleaned.match(/[A-Za-z]+/g) ?? []).filter((w) => !ALLOWED_WORDS.has(w));
  return words.length ? words.join(' ') : null;
}

/**
 * Text an EJS template shows outside `<% %>`: text nodes and user-visible attributes (and the
 * value of buttons). Scripts, styles and comments are skipped; output tags count as nothing, so
 * `title="<%= t('x') %>"` passes.
 */
export function hardCodedText(template: string): HardCoded[] {
  const lineAt = (offset: number) => template.slice(0, offset).split('\n').length;
  // Keep offsets: blank out instead of removing.
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const found: HardCoded[] = [];
  // Inside <% %>: a string literal in Chinese is hard-coded too (e.g. a defaultValue).
  for (const code of template.matchAll(/<%(?!#)[\s\S]*?%>/g)) {
    for (const lit of code[0].matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)) {
      const text = lit[1] ?? lit[2] ?? '';
      if (/\p{Script=Han}/u.test(text)) found.push({ line: lineAt(code.index + lit.index), text: `'${text}'` });
    }
  }
  let html = template.replace(/<%[\s\S]*?%>/g, blank);
  html = html.replace(/<!--[\s\S]*?-->/g, blank);
  // Code samples (commands, paths) read the same in every language.
  html = html.replace(/(<(script|style|code|kbd)\b[^>]*>)([\s\S]*?)(<\/\2>)/gi, (_m, open: string, _n, body: string, close: string) => open + blank(body) + close);
  const tagRe = /<!doctype[^>]*>|<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<\/[^>]*>/g;
  let last = 0;
  const checkText = (text: string, offset: number) => {
    const bad = foreignText(text);
    if (bad) found.push({ line: lineAt(offset), text: bad });
  };
  for (const m of html.matchAll(tagRe)) {
    checkText(html.slice(last, m.index), last);
    last = m.index + m[0].length;
    const tag = (m[1] ?? '').toLowerCase();
    const attrs = m[2] ?? '';
    const typeAttr = /\btype\s*=\s*["']?(\w+)/i.exec(attrs)?.[1]?.toLowerCase();
    const valueShown = tag === 'button' || (tag === 'input' && ['submit', 'button', 'reset'].includes(typeAttr ?? ''));
    for (const a of attrs.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const name = a[1]!.toLowerCase();
      if (!VISIBLE_ATTRIBUTES.has(name) && !(name === 'value' && valueShown)) continue;
      const bad = foreignText(a[2] ?? a[3] ?? '');
      if (bad) found.push({ line: lineAt(m.index), text: `${name}="${bad}"` });
    }
  }
  checkText(html.slice(last), last);
  return found;
}

/** Every file under `dir` (recursively) whose name ends with `ext`. */
export function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p, ext);
    return e.name.endsWith(ext) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * What a mail's source file says in words of its own: string and template literals (outside
 * `${}`) with Chinese, or with three or more English words in a row. Mails take their texts
 * from the locale files (`mails.<kind>`); comments are skipped.
 */
export function mailLiterals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
    const text = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, ' ');
    if (/\p{Script=Han}/u.test(text) || /[A-Za-z]+[,;:]? [A-Za-z]+[,;:]? [A-Za-z]+/.test(text)) found.push(text.trim());
  }
  return found;
}
