import i18next, { type TFunction } from 'i18next';
import type { RequestHandler } from 'express';
import { zhCN } from './zh-CN';
import { en } from './en';
import { FEATURE_MESSAGES } from './features';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const COOKIE = 'lang';

/** Features that own a whole namespace keep it in their own folder (fewer shared edits); a key
 * defined twice is a mistake, so it stops the boot instead of one side silently winning. */
function withFeatures(base: Record<string, unknown>, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const messages of FEATURE_MESSAGES) {
    for (const [ns, value] of Object.entries(messages[lang])) {
      if (ns in out) throw new Error(`i18n namespace "${ns}" defined twice (${lang})`);
      out[ns] = value;
    }
  }
  return out;
}

/** Every message of one language: the shared files plus the features' namespaces. */
export const MESSAGES: Record<Lang, Record<string, unknown>> = { 'zh-CN': withFeatures(zhCN, 'zh-CN'), en: withFeatures(en, 'en') };

const ready = i18next.createInstance();
void ready.init({
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: MESSAGES['zh-CN'] }, en: { translation: MESSAGES.en } },
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
