import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../platform/http/errors';
import { userFromSession, userFromToken } from './auth.service';

/** The API's user: a Bearer token, nothing else (a cookie there would need CSRF protection too). */
export const loadTokenUser: RequestHandler = async (req, res, next) => {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) {
    const user = await userFromToken(header.slice(7).trim());
    if (!user) return next(new UnauthorizedError('invalid_token'));
    req.user = user;
  }
  res.locals.user = req.user ?? null;
  next();
};

/**
 * The pages' user: the session cookie only. A Bearer token is ignored here, so an API token can
 * never open a page or pass a form's CSRF check in place of a logged-in session.
 */
export const loadSessionUser: RequestHandler = async (req, res, next) => {
  // Nothing set before the session counts here: a Bearer token's user from an /api/v1 request
  // that no API route answered falls through to the page routes, and must arrive there anonymous.
  delete req.user;
  if (req.session?.userId) {
    const user = await userFromSession(req.session.userId);
    if (user) req.user = user;
    else delete req.session.userId; // deactivated or deleted since login
  }
  res.locals.user = req.user ?? null;
  next();
};

/** The API accepts Bearer tokens only. */
export const requireToken: RequestHandler = (req, _res, next) => {
  if (req.user && req.user.via !== 'token') return next(new UnauthorizedError('token_required'));
  next();
};
