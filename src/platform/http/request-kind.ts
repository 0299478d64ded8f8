import type { Request } from 'express';

/** API callers get JSON errors; people in a browser get a page. */
export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/') || req.originalUrl.startsWith('/open311/') || req.path === '/healthz';
}
