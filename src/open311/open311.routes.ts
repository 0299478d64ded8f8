import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { Context } from '../context';
import { NotFoundError } from '../platform/http/errors';
import type { Lang } from '../i18n';
import { open311ErrorHandler } from './open311.errors';
import { isFormat, sendOpen311, type Format } from './open311.serializer';
import { findRequests, getRequest, listServices, readerFromKey, resolveToken, serviceDefinition, submitRequest } from './open311.service';

/** Chinese unless `?lang=en`; from the query only, since Open311 clients keep no cookies. */
function langOf(req: Request): Lang {
  return req.query.lang === 'en' ? 'en' : 'zh-CN';
}

function formatOf(req: Request): Format {
  return req.params.format as Format; // checked by r.param('format') below
}

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), mounted at /open311/v2 before the
 * session middleware: it authenticates with `api_key`, never cookies, so no session and no CSRF.
 *
 * Returns the router and, second, its error handler once more: errors raised before the router
 * (the app-wide body parsers: malformed JSON, too large) skip a router entirely, and reach only
 * an error handler mounted beside it. `app.use('/open311/v2', open311Routes(ctx))` takes both.
 */
export function open311Routes(ctx: Context): [Router, ErrorRequestHandler] {
  const r = Router();

  r.param('format', (_req, _res, next, value) => {
    if (isFormat(value)) return next();
    next(new NotFoundError(`unknown format .${String(value)}: use .json or .xml`));
  });

  r.get('/services.:format', async (req, res) => {
    sendOpen311(res, formatOf(req), 'services', await listServices(langOf(req)));
  });

  r.get('/services/:service_code.:format', async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_definition', await serviceDefinition(String(req.params.service_code)));
  });

  r.post('/requests.:format', async (req, res) => {
    const { filed, response } = await submitRequest(ctx, {
      body: req.body,
      query: req.query as Record<string, unknown>,
      idempotencyKey: req.get('idempotency-key'),
      lang: langOf(req),
    });
    // 201 for a new case; a repeat with the same Idempotency-Key answers the first case with 200.
    sendOpen311(res, formatOf(req), 'service_requests', response, filed.repeated ? 200 : 201);
  });

  // Services are public; requests are complaints and are read with a commission key only.
  const reader: RequestHandler = async (req, _res, next) => {
    await readerFromKey(req.query.api_key);
    next();
  };

  r.get('/requests.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await findRequests(ctx, req.query, langOf(req)));
  });

  r.get('/requests/:service_request_id.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await getRequest(ctx, String(req.params.service_request_id), langOf(req)));
  });

  r.get('/tokens/:token.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await resolveToken(String(req.params.token)));
  });

  r.use((req, _res, next) => next(new NotFoundError(`no such resource: ${req.method} ${req.path}`)));
  r.use(open311ErrorHandler);
  return [r, open311ErrorHandler];
}
