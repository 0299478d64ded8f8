import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../platform/http/errors';
import { userFromSession, userFromToken } from './auth.service';

/** Resolves the current user: a Bearer token on the API, the session cookie on pages. */
export const loadUser: RequestHandler = async (req, res, next) => {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) {
    const user = await userFromToken(header.slice(7).trim());
    if (!user) return next(new UnauthorizedError('invalid_token'));
    req.user = user;
  } else if (req.session?.userId) {
    const user = await userFromSession(req.session.userId);
    if (user) req.user = user;
    else delete req.session.userId; // deactivated or deleted since login
  }
  res.locals.user = req.user ?? null;
  next();
};

/** The API accepts Bearer tokens only: cookies there would need CSRF protection too. */
export const requireToken: RequestHandler = (req, _res, next) => {
  if (req.user && req.user.via !== 'token') return next(new UnauthorizedError('token_required'));
  next();
};

