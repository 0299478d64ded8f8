// Typed errors: services throw these, one middleware turns them into a page or JSON.
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(fields: Record<string, string>, message = 'validation_failed') {
    super(400, 'validation_failed', message, fields);
  }
}
export class NotFoundError extends AppError {
  constructor(message = 'not_found') {
    super(404, 'not_found', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(403, 'forbidden', message);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'unauthorized') {
    super(401, 'unauthorized', message);
  }
}
/**
 * The record is no longer in a state that allows the action (someone else acted first, or the
 * action does not apply to it now). Pages show a conflict message; the API answers
 * 409 `{"error":"invalid_state"}`.
 */
export class ConflictError extends AppError {
  constructor(code = 'invalid_state') {
    super(409, code, code);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(public readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', 'too_many_requests');
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(public readonly dependency: string) {
    super(503, 'service_unavailable', `${dependency}_unavailable`);
  }
}
/**
 * The server is at its bound for some costly work (password checks) and refuses instead of
 * queueing without end; the client may try again after `retryAfterSeconds`.
 */
export class BusyError extends AppError {
  constructor(public readonly retryAfterSeconds: number) {
    super(503, 'busy', 'busy');
  }
}
