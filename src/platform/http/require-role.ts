import type { RequestHandler } from 'express';
import type { Role } from '../roles';
import { ForbiddenError, UnauthorizedError } from './errors';
import { isApiRequest } from './request-kind';

const MAX_NEXT = 2000;

/** Every non-public route names the roles allowed; anything else is 401 (not logged in) or 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    // Pages accept a logged-in session only; an API token opens the API, never a page or a form
    // (its caller has no session, so the anonymous CSRF pair would let it act).
    const user = isApiRequest(req) || req.user?.via === 'session' ? req.user : undefined;
    if (!user) {
      if (isApiRequest(req)) return next(new UnauthorizedError());
      // Back to the page after login, unless its address is too long to carry: encoded again it
      // could pass the 16 kB a response header may have, and the redirect would not arrive.
      const back = req.originalUrl.length <= MAX_NEXT ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(`/login${back}`);
    }
    if (!roles.includes(user.role)) return next(new ForbiddenError());
    next();
  };
}
