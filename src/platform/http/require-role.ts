import type { RequestHandler } from 'express';
import type { Role } from '../roles';
import { ForbiddenError, UnauthorizedError } from './errors';
import { isApiRequest } from './request-kind';

/** Every non-public route names the roles allowed; anything else is 401 (not logged in) or 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    // Pages accept a logged-in session only; an API token opens the API, never a page or a form
    // (its caller has no session, so the anonymous CSRF pair would let it act).
    const user = isApiRequest(req) || req.user?.via === 'session' ? req.user : undefined;
    if (!user) {
      if (isApiRequest(req)) return next(new UnauthorizedError());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!roles.includes(user.role)) return next(new ForbiddenError());
    next();
  };
}
