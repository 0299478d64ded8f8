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

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

export function errorHandler(isProduction: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    void _next;
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if ((err as { code?: string })?.code === 'EBADCSRFTOKEN') {
      appError = new AppError(403, 'csrf_invalid', 'csrf_invalid');
    } else if ((err as { type?: string })?.type === 'entity.parse.failed') {
      appError = new AppError(400, 'invalid_json', 'invalid_json');
    } else if ((err as { type?: string })?.type === 'entity.too.large') {
      appError = new AppError(413, 'payload_too_large', 'payload_too_large');
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
    res.render('errors/error', { status: appError.status, code: appError.code, detail });
  };
}
