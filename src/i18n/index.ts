import i18next, { type TFunction } from 'i18next';
import type { RequestHandler } from 'express';
import { zhCN } from './zh-CN';
import { en } from './en';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const COOKIE = 'lang';

const ready = i18next.createInstance();
void ready.init({
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  interpolation: { escapeValue: false }, // EJS escapes on output
  initAsync: false,
});

export function translator(lang: Lang): TFunction {
  return ready.getFixedT(lang);
}

function pick(value: unknown): Lang | undefined {
  return LANGS.find((l) => l === value || (l === 'zh-CN' && value === 'zh'));
}

/** zh-CN first; `?lang=en` switches and is remembered in a cookie. */
export const i18nMiddleware: RequestHandler = (req, res, next) => {
  const fromQuery = pick(req.query.lang);
  if (fromQuery) res.cookie(COOKIE, fromQuery, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true });
  const lang: Lang = fromQuery ?? pick(req.cookies?.[COOKIE]) ?? 'zh-CN';
  req.lang = lang;
  req.t = translator(lang);
  res.locals.lang = lang;
  res.locals.t = req.t;
  next();
};
