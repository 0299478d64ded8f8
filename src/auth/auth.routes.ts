import { Router } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import { Bulkhead } from '../platform/http/bulkhead';
import { BusyError, TooManyRequestsError } from '../platform/http/errors';
import { parseOrThrow } from '../platform/http/validate';
import type { Role } from '../users/user.model';
import { requireRole } from '../platform/http/require-role';
import { createApiToken, listApiTokens, login, revokeApiToken } from './auth.service';

const loginInput = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
  next: z.string().optional(),
});

/** Where each role lands after login. */
export const HOME_BY_ROLE: Record<Role, string> = {
  commission: '/commission',
  admin: '/admin/units',
  unit: '/unit/cases',
  supervisor: '/supervisor',
};

/** Only local paths, so the login form cannot be used to bounce people to another site. */
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : undefined;
}

export function authRoutes(ctx: Context): Router {
  const r = Router();
  // One bound per process on concurrent password checks (see login()).
  const checks = new Bulkhead(ctx.config.PASSWORD_CHECKS_CONCURRENT, ctx.config.PASSWORD_CHECKS_WAITING);

  r.get('/login', (req, res) => {
    res.render('auth/login', { error: null, username: '', next: safeNext(String(req.query.next ?? '')) ?? '' });
  });

  r.post('/login', async (req, res) => {
    const parsed = loginInput.safeParse(req.body);
    const username = parsed.success ? parsed.data.username : String(req.body?.username ?? '');
    const next = safeNext(parsed.success ? parsed.data.next : undefined) ?? '';
    const fail = (status: number, error: string) => res.status(status).render('auth/login', { error, username, next });
    if (!parsed.success) return fail(400, req.t('auth.failed'));
    try {
      const user = await login(ctx, checks, parsed.data.username, parsed.data.password, req.ip ?? 'unknown');
      if (!user) return fail(401, req.t('auth.failed'));
      // A new session id at login defeats session fixation.
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.userId = String(user.id);
      res.redirect(next || HOME_BY_ROLE[user.role]);
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        return fail(429, req.t('auth.throttled', { minutes: Math.ceil(err.retryAfterSeconds / 60) }));
      }
      if (err instanceof BusyError) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        return fail(503, req.t('auth.busy', { seconds: err.retryAfterSeconds }));
      }
      throw err;
    }
  });

  r.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('sid');
      res.redirect('/');
    });
  });

  const anyRole = requireRole('commission', 'admin', 'unit', 'supervisor');
  r.get('/account/tokens', anyRole, async (req, res) => {
    res.render('auth/tokens', { tokens: await listApiTokens(req.user!.id), created: null });
  });
  r.post('/account/tokens', anyRole, async (req, res) => {
    const { label } = parseOrThrow(z.object({ label: z.string().trim().min(1, { error: 'required' }).max(80, { error: 'too_long' }), _csrf: z.string() }), req.body);
    const created = await createApiToken(req.user!.id, label);
    res.render('auth/tokens', { tokens: await listApiTokens(req.user!.id), created });
  });
  r.post('/account/tokens/:id/revoke', anyRole, async (req, res) => {
    await revokeApiToken(req.user!.id, String(req.params.id), ctx.clock.now());
    res.redirect('/account/tokens');
  });
  return r;
}
