import type { RequestHandler } from 'express';
import type { Role } from '../roles';
import { ForbiddenError, UnauthorizedError } from './errors';
import { isApiRequest } from './request-kind';

/** Every non-public route names the roles allowed; anything else is 401 (not logged in) or 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      if (isApiRequest(req)) return next(new UnauthorizedError());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}
