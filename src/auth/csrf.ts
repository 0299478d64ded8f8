import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../http/errors';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Synchronizer-token CSRF protection for forms: one random token per session, required in the
 * `_csrf` field (or `x-csrf-token` header) of every state-changing request. The API is exempt
 * because it authenticates with Bearer tokens, which a browser never sends on its own.
 */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (!req.session.csrf) req.session.csrf = randomBytes(24).toString('base64url');
  res.locals.csrfToken = req.session.csrf;
  if (SAFE.has(req.method)) return next();
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  if (typeof sent !== 'string' || !equal(sent, req.session.csrf)) {
    return next(new AppError(403, 'csrf_invalid', 'csrf_invalid'));
  }
  next();
};

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
