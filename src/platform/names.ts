/** Items keyed by one of their fields, for pages that show names for codes and ids. */
export function byKey<T, K extends keyof T>(items: readonly T[], key: K): Record<string, T> {
  return Object.fromEntries(items.map((item) => [String(item[key]), item]));
}

/** The name to show in the reader's language (units and categories carry both). */
export function localName(item: { nameZh: string; nameEn: string }, lang: string): string {
  return lang === 'en' ? item.nameEn : item.nameZh;
}

/** Names in the reader's language, keyed by one field. */
export function namesByKey<T extends { nameZh: string; nameEn: string }, K extends keyof T>(items: readonly T[], key: K, lang: string): Record<string, string> {
  return Object.fromEntries(items.map((item) => [String(item[key]), localName(item, lang)]));
}
