import type express from 'express';
import { Router, type RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { requireRole } from '../platform/http/require-role';
import { ForbiddenError } from '../platform/http/errors';
import type { Context } from '../context';

const BASE = '/admin/queues';

function board(ctx: Context, readOnlyMode: boolean): RequestHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BASE);
  createBullBoard({ queues: ctx.queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode })), serverAdapter: adapter });
  // The board is an Express app of its own: it switches req/res to its prototypes (its views
  // folder, x-powered-by) and, mounted in a Router, never switches them back. Restore ours when
  // it passes a request on, so our 404 and error pages render with our views.
  const router = adapter.getRouter() as express.Express;
  router.disable('x-powered-by');
  return (req, res, next) => {
    const [reqProto, resProto] = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)];
    router(req, res, (err?: unknown) => {
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      next(err);
    });
  };
}

/**
 * The BullMQ dashboard. The commission watches it read-only; only administrators may change
 * anything (pause a queue, remove a schedule, retry, clean, add), because one click there stops
 * routing or reconciling for every case. Each change is logged with who made it
 * (`queues.action`); a paused queue or a missing schedule shows on /healthz as degraded.
 */
export function queueBoard(ctx: Context): Router {
  const viewer = board(ctx, true);
  const operator = board(ctx, false);
  const r = Router();
  r.use(requireRole('commission', 'admin'));
  r.use((req, res, next) => {
    if (['GET', 'HEAD'].includes(req.method)) return next();
    // The read-only board hides the buttons; this refuses the request itself, whatever sent it.
    if (req.user!.role !== 'admin') return next(new ForbiddenError('admin_only'));
    // Its buttons send no CSRF token: accept changes only from our own pages (the session cookie
    // is SameSite=Lax as well). `Origin: null` (a sandboxed frame, a file page) or any text that
    // is no URL is not our page.
    const origin = req.get('origin') ?? req.get('referer');
    const host = origin && URL.canParse(origin) ? new URL(origin).host : undefined;
    if (!host || host !== req.get('host')) return next(new ForbiddenError('cross_origin'));
    // Logged once answered, with the outcome: ids and the action only (job payloads hold ids too).
    res.on('finish', () => {
      ctx.logger.warn(
        { userId: String(req.user!.id), username: req.user!.username, role: req.user!.role, method: req.method, action: req.path, status: res.statusCode },
        'queues.action',
      );
    });
    next();
  });
  // The board's own page uses inline scripts; relax the policy for it alone.
  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https:; img-src 'self' data:; font-src 'self' data: https:");
    next();
  });
  // Named like Express's own wrapper of a mounted app, so the access matrix lists the board as one
  // sub-application (platform/http/route-table.ts).
  r.use(function mounted_app(req, res, next) {
    (req.user!.role === 'admin' ? operator : viewer)(req, res, next);
  });
  return r;
}
