import type { Request } from 'express';

/** API callers get JSON errors; people in a browser get a page. */
export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/') || req.originalUrl.startsWith('/open311/') || req.path === '/healthz';
}

/**
 * Pages anyone may use without logging in: the home page, the complaint form and its receipt,
 * tracking, a ballot by its code, published evaluation results, the public page and open data. They
 * must not need the session store.
 */
const PUBLIC_PAGES = /^\/(?:$|complaints(?:\/new|\/received)?\/?$|track(?:\/|$)|ballot\/|public(?:\/|$)|open-data\/)/;
export function isPublicPage(req: Request): boolean {
  return PUBLIC_PAGES.test(req.path);
}
