import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, BusyError, NotFoundError, TooManyRequestsError } from './errors';
import { isApiRequest } from './request-kind';

/** Errors from the database or Redis driver that mean "the dependency is down", not "a bug". */
export function dependencyDown(err: unknown): string | undefined {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  const message = (err as { message?: string } | undefined)?.message ?? '';
  if (/^Mongo(Network|ServerSelection|NotConnected|Topology)/.test(name) || /buffering timed out/.test(message)) {
    return 'mongo';
  }
  // "Command timed out": ioredis's commandTimeout, i.e. Redis is connected but frozen.
  if (/Connection is closed|ECONNREFUSED.*6379|max retries per request|Stream isn't writeable|Command timed out/i.test(message)) {
    return 'redis';
  }
  return undefined;
}

/**
 * What body-parser (its `type`) and the router (a URIError from a path parameter) reject before
 * any route runs, as our error: the code, and the part of the request at fault with its reason.
 */
const CLIENT_ERRORS: Record<string, { code: string; field: string; reason: string }> = {
  'entity.parse.failed': { code: 'invalid_json', field: 'body', reason: 'invalid_json' },
  'entity.too.large': { code: 'payload_too_large', field: 'body', reason: 'too_large' },
  'parameters.too.many': { code: 'too_many_fields', field: 'body', reason: 'too_many_fields' },
  'charset.unsupported': { code: 'unsupported_charset', field: 'content-type', reason: 'unsupported_charset' },
  'encoding.unsupported': { code: 'unsupported_encoding', field: 'content-encoding', reason: 'unsupported_encoding' },
  'request.size.invalid': { code: 'bad_request', field: 'content-length', reason: 'invalid' },
  'request.aborted': { code: 'bad_request', field: 'body', reason: 'incomplete' },
  URIError: { code: 'invalid_path', field: 'path', reason: 'invalid_encoding' },
};

/**
 * A client's mistake caught by the HTTP layer (body-parser, the router, http-errors): it carries a
 * 4xx `status`/`statusCode`. Without this it would be answered as our own failure, a 500.
 */
export function clientError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; name?: unknown } | null | undefined;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  const known = CLIENT_ERRORS[typeof e?.type === 'string' ? e.type : ''] ?? (e?.name === 'URIError' ? CLIENT_ERRORS.URIError : undefined);
  if (known) return new AppError(status, known.code, known.code, { [known.field]: known.reason });
  return new AppError(status, 'bad_request', 'bad_request');
}

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

export function errorHandler(isProduction: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    void _next;
    let appError: AppError;
    const client = clientError(err);
    if ((err as { code?: string })?.code === 'EBADCSRFTOKEN') {
      appError = new AppError(403, 'csrf_invalid', 'csrf_invalid');
    } else if (client) {
      appError = client;
    } else {
      const down = dependencyDown(err);
      appError = down
        ? new AppError(503, 'service_unavailable', `${down}_unavailable`)
        : new AppError(500, 'internal_error', 'internal_error');
    }

    if (appError.status >= 500) {
      req.log?.error({ err, code: appError.code }, 'request.failed');
    }
    if (appError instanceof TooManyRequestsError) {
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    }
    if (appError instanceof BusyError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    else if (appError.status === 503) res.setHeader('Retry-After', '30');

    // Internals stay hidden in production; elsewhere the stack helps the developer.
    const detail = !isProduction && appError.status >= 500 ? String((err as Error)?.stack ?? err) : undefined;
    res.status(appError.status);
    if (isApiRequest(req)) {
      res.json({ error: appError.code, message: appError.message, fields: appError.fields, detail });
      return;
    }
    // A page that cannot be drawn must not fall through to Express's own handler, which prints
    // the stack: answer in plain words instead.
    res.render('errors/error', { status: appError.status, code: appError.code, fields: appError.fields ?? {}, detail }, (renderErr, html) => {
      if (renderErr) {
        req.log?.error({ err: renderErr }, 'error_page.failed');
        res.type('text/plain; charset=utf-8').send(`${appError.status} ${appError.code}`);
        return;
      }
      res.send(html);
    });
  };
}
