import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../platform/http/errors';
import { isPublicPage } from '../platform/http/request-kind';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const COOKIE = 'csrf';

/**
 * Signed double-submit CSRF protection for every form. A random nonce lives in an httpOnly
 * cookie; forms carry HMAC(secret, nonce, session) in `_csrf` (or the `x-csrf-token` header).
 * Stateless on purpose: the public complaint form must keep working while Redis (where sessions
 * live) is down, so no complaint is lost to an outage. Logged-in tokens are bound to the session
 * id, so a token from one login is useless in another. The API is exempt: it authenticates with
 * Bearer tokens, which a browser never sends on its own.
 */
export function csrfProtection(secret: string, secureCookie: boolean): RequestHandler {
  const sign = (nonce: string, binding: string) => createHmac('sha256', secret).update(`${nonce}.${binding}`).digest('base64url');

  return (req, res, next) => {
    let nonce = req.cookies?.[COOKIE] as string | undefined;
    if (!nonce || !/^[\w-]{32}$/.test(nonce)) {
      nonce = randomBytes(24).toString('base64url');
      res.cookie(COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: secureCookie, path: '/' });
      if (!SAFE.has(req.method)) return next(new AppError(403, 'csrf_invalid', 'csrf_invalid'));
    }
    const binding = req.session?.userId ? req.sessionID : '';
    const expected = sign(nonce, binding);
    res.locals.csrfToken = expected;
    if (SAFE.has(req.method)) return next();
    // Multipart forms (uploads) are parsed by their route, after this check: they carry the
    // token in the action URL's query instead. It is useless without the cookie it is bound to.
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token') ?? req.query._csrf;
    if (typeof sent !== 'string') return next(new AppError(403, 'csrf_invalid', 'csrf_invalid'));
    // A public page (complaint form, tracking) opened on one side of a Redis outage and sent on the
    // other was signed for the session, or for none, that can no longer be read: accept either
    // there, so the complaint typed meanwhile is not refused. Still bound to this browser's nonce.
    const accepted = isPublicPage(req) ? [expected, sign(nonce, ''), ...(req.sessionID ? [sign(nonce, req.sessionID)] : [])] : [expected];
    if (!accepted.some((token) => equal(sent, token))) return next(new AppError(403, 'csrf_invalid', 'csrf_invalid'));
    next();
  };
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
