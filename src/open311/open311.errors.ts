import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import { clientError } from '../platform/http/error-handler';
import { TooManyRequestsError, ValidationError } from '../platform/http/errors';
import { formatOfPath, sendOpen311 } from './open311.serializer';

/** One entry of the spec's error list; `code` is the HTTP status, as the spec suggests. */
export interface Open311ErrorEntry {
  code: number;
  description: string;
}

/**
 * Zod issues as {field: reason}, first reason per field, keyed by the spec's top-level field
 * name (a bad entry of a list is the list's error). Every unknown field is named on its own.
 */
export function open311Fields(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (field: string, reason: string) => {
    if (!(field in fields)) fields[field] = reason;
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') issue.keys.forEach((k) => put(k, 'unknown_field'));
    else put(issue.path.length ? String(issue.path[0]) : 'request', issue.message);
  }
  return fields;
}

const LIMITS: Record<string, string> = {
  description: '1 to 4000 characters',
  address_string: 'at most 200 characters',
  first_name: 'at most 50 characters',
  last_name: 'at most 50 characters',
  email: 'at most 200 characters',
  phone: '5 to 30 characters',
  service_code: 'at most 64 characters',
  service_request_id: 'at most 1000 values',
  status: 'at most 10 values',
};

const REASONS: Record<string, string> = {
  required: 'is required',
  too_short: 'is too short',
  too_long: 'is too long',
  too_many: 'lists too many values',
  invalid: 'has an invalid value',
  invalid_email: 'is not a valid email address',
  invalid_phone: 'is not a valid phone number (digits, spaces and + - ( ) only, 5 to 30 characters)',
  unknown_category: 'is not a known service_code (see services.json)',
  unknown_field: 'is not a field of this request',
  invalid_coordinate: 'must be a decimal number (lat -90 to 90, long -180 to 180, WGS84)',
  lat_long_pair: 'lat and long must be sent together',
  name_too_long: 'first_name and last_name together are too long (at most 50 characters)',
  invalid_datetime: 'must be a W3C date-time with a time zone, e.g. 2026-03-02T10:00:00+08:00',
  invalid_status: 'must be open or closed',
  end_before_start: 'must not be earlier than start_date',
  span_too_long: 'the range from start_date to end_date may not span more than 90 days',
  invalid_json: 'is not valid JSON',
  too_large: 'is too large',
  too_many_fields: 'has too many fields',
  unsupported_charset: 'names a character set other than UTF-8',
  unsupported_encoding: 'names a content encoding other than gzip, deflate, br or identity',
  invalid_encoding: 'has a malformed percent-encoding',
  incomplete: 'ended before its announced length',
  reserved_name: 'is a name that may not be used as a field',
  file_too_large: 'is larger than 10 MB',
  too_many_files: 'holds more than one file (send one media file)',
  unexpected_file: 'is not accepted as a file (send the one file as media)',
  file_type: 'is not a JPEG, PNG, WEBP, GIF, HEIC or PDF file',
};

/** "description: too_short (is too short, 10 to 4000 characters)": the field, the reason key, words. */
export function describeField(field: string, reason: string): string {
  const words = REASONS[reason] ?? 'is invalid';
  const limit = (reason === 'too_short' || reason === 'too_long' || reason === 'too_many') && LIMITS[field] ? `, ${LIMITS[field]}` : '';
  return `${field}: ${reason} (${words}${limit})`;
}

/** Case fields that fileComplaint names in its errors, as the spec's fields the client sent. */
const SPEC_FIELD: Record<string, string> = {
  categoryCode: 'service_code',
  description: 'description',
  place: 'address_string',
  name: 'first_name',
  phone: 'phone',
  email: 'email',
  attachments: 'media',
};

export function specFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [SPEC_FIELD[k] ?? k, v]));
}

function toEntries(err: unknown): { status: number; errors: Open311ErrorEntry[] } {
  if (err instanceof ValidationError) {
    const fields = Object.entries(err.fields ?? {});
    const errors = fields.length ? fields.map(([f, r]) => ({ code: 400, description: describeField(f, r) })) : [{ code: 400, description: err.message }];
    return { status: 400, errors };
  }
  if (err instanceof TooManyRequestsError) {
    return { status: 429, errors: [{ code: 429, description: `too many requests from this address; try again in ${err.retryAfterSeconds} seconds` }] };
  }
  // The body parsers and the router run before our routes (app.ts) and mark client mistakes with a 4xx status.
  const client = clientError(err);
  if (client?.fields) {
    return { status: client.status, errors: Object.entries(client.fields).map(([f, r]) => ({ code: client.status, description: describeField(f, r) })) };
  }
  if (client) return { status: client.status, errors: [{ code: client.status, description: client.message }] };
  return { status: 500, errors: [{ code: 500, description: 'internal error, please try again later' }] };
}

/**
 * Every error under /open311 in the spec's format (an array of {code, description}, or
 * `<errors><error>` in XML), never our usual error JSON: Open311 clients parse only this.
 * Internals are never shown: the description is meant for the client's user.
 */
export const open311ErrorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  void _next;
  const { status, errors } = toEntries(err);
  if (status >= 500) req.log?.error({ err }, 'open311.failed');
  if (err instanceof TooManyRequestsError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  else if (status === 503) res.setHeader('Retry-After', '30');
  sendOpen311(res, formatOfPath(req.path), 'errors', errors, status);
};
