import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Context } from '../context';
import { NotFoundError, type ValidationError } from '../platform/http/errors';
import { acceptAttachments, type UploadedFile } from '../platform/files/attachments';
import { limitPerIp } from '../platform/http/limits';
import type { Lang } from '../i18n';
import { open311ErrorHandler, specFields } from './open311.errors';
import { discovery } from './open311.discovery';
import { isFormat, sendOpen311, type Format } from './open311.serializer';
import { findRequests, getRequest, listServices, readViewFromKey, resolveToken, serviceDefinition, submitRequest, type ReadView } from './open311.service';

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
// The read-only resources anyone may read from a browser page on another origin.
const PUBLIC_READ = /^\/(discovery|services|services\/[^/]+|requests|requests\/[^/]+|tokens\/[^/]+)\.(json|xml)$/;

/**
 * CORS for public reads only: services, definitions, discovery, and the status-only reads of
 * requests and tokens, i.e. GETs without `api_key`. A keyed read (the full view) and a POST get
 * no CORS header, so a page on another origin can never read what a key opens, nor file with a
 * key it holds. No credentials either: these reads use none.
 */
function publicRead(req: Request): boolean {
  return req.query.api_key === undefined && PUBLIC_READ.test(req.path);
}

const cors: RequestHandler = (req, res, next) => {
  if (req.method === 'OPTIONS') {
    if (!PUBLIC_READ.test(req.path)) return next();
    res.setHeader('Allow', req.path.startsWith('/requests.') ? 'GET, HEAD, POST, OPTIONS' : 'GET, HEAD, OPTIONS');
    const wanted = req.get('access-control-request-method');
    if (publicRead(req) && (wanted === undefined || wanted === 'GET' || wanted === 'HEAD')) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Accept, Accept-Language');
      res.setHeader('Access-Control-Max-Age', '86400');
    }
    res.status(204).end();
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && publicRead(req)) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    // A browser app reads when to try again after a 429.
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  }
  next();
};

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
  r.use(cors);

  r.param('format', (_req, _res, next, value) => {
    if (isFormat(value)) return next();
    next(new NotFoundError(`unknown format .${String(value)}: use .json or .xml`));
  });

  r.get('/discovery.:format', (req, res) => {
    sendOpen311(res, formatOf(req), 'discovery', discovery(ctx.config));
  });

  r.get('/services.:format', async (req, res) => {
    sendOpen311(res, formatOf(req), 'services', await listServices(langOf(req)));
  });

  r.get('/services/:service_code.:format', async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_definition', await serviceDefinition(String(req.params.service_code)));
  });

  r.post('/requests.:format', acceptAttachments('media', 1), async (req, res) => {
    const { filed, response } = await submitRequest(ctx, {
      body: req.body,
      query: req.query as Record<string, unknown>,
      idempotencyKey: req.get('idempotency-key'),
      lang: langOf(req),
      media: (req.files as UploadedFile[] | undefined) ?? [],
      uploadErrors: specFields((res.locals.uploadError as ValidationError | undefined)?.fields ?? {}),
    });
    // 201 for a new case; a repeat with the same Idempotency-Key answers the first case with 200.
    sendOpen311(res, formatOf(req), 'service_requests', response, filed.repeated ? 200 : 201);
  });

  // Without api_key: the status-only view, limited per address (case numbers are sequential).
  // With a commission or administrator key: the full view, never cached by the browser.
  const anonymousLimit = limitPerIp(ctx, 'open311', ctx.config.OPEN311_PUBLIC_LIMIT_PER_10MIN, 600);
  const reader: RequestHandler = async (req, res, next) => {
    const view = await readViewFromKey(req.query.api_key);
    res.locals.view = view;
    if (view === 'public') return anonymousLimit(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  const viewOf = (res: Response): ReadView => res.locals.view as ReadView;

  r.get('/requests.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await findRequests(ctx, req.query, langOf(req), viewOf(res)));
  });

  r.get('/requests/:service_request_id.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await getRequest(ctx, String(req.params.service_request_id), langOf(req), viewOf(res)));
  });

  r.get('/tokens/:token.:format', reader, async (req, res) => {
    sendOpen311(res, formatOf(req), 'service_requests', await resolveToken(String(req.params.token)));
  });

  r.use((req, _res, next) => next(new NotFoundError(`no such resource: ${req.method} ${req.path}`)));
  r.use(open311ErrorHandler);
  return [r, open311ErrorHandler];
}
