import { Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { requireRole } from '../platform/http/require-role';
import { ForbiddenError } from '../platform/http/errors';
import type { Context } from '../context';

/** The BullMQ dashboard, for the commission and administrators only. */
export function queueBoard(ctx: Context): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/admin/queues');
  createBullBoard({ queues: ctx.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const r = Router();
  r.use(requireRole('commission', 'admin'));
  // Its buttons (retry, clean) send no CSRF token: accept changes only from our own pages. The
  // session cookie is SameSite=Lax as well, so another site cannot send it with a PUT or POST.
  r.use((req, _res, next) => {
    if (['GET', 'HEAD'].includes(req.method)) return next();
    // `Origin: null` (a sandboxed frame, a file page) or any text that is no URL is not our page.
    const origin = req.get('origin') ?? req.get('referer');
    const host = origin && URL.canParse(origin) ? new URL(origin).host : undefined;
    if (!host || host !== req.get('host')) return next(new ForbiddenError('cross_origin'));
    next();
  });
  // The board's own page uses inline scripts; relax the policy for it alone.
  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https:; img-src 'self' data:; font-src 'self' data: https:");
    next();
  });
  // The board is an Express app of its own: it switches req/res to its prototypes (its views
  // folder, x-powered-by) and, mounted in a Router, never switches them back. Restore ours when
  // it passes a request on, so our 404 and error pages render with our views.
  const board = adapter.getRouter();
  board.disable('x-powered-by');
  r.use((req, res, next) => {
    const [reqProto, resProto] = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)];
    board(req, res, (err?: unknown) => {
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      next(err);
    });
  });
  return r;
}
