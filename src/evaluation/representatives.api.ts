import express, { Router, type RequestHandler } from 'express';
import type { Context } from '../context';
import { AppError } from '../platform/http/errors';
import { requireRole } from '../platform/http/require-role';
import { parseOrThrow } from '../platform/http/validate';
import { listQuery, MAX_IMPORT_BYTES, XLSX_TYPE } from './representatives.schemas';
import { countRepresentatives, importRepresentatives, listRepresentatives } from './representatives.service';

/** The media types an import may come as; CSV's charset parameter is honoured (GBK, GB18030, UTF-8). */
export const CSV_TYPES = ['text/csv', 'application/csv'] as const;

/**
 * The body of an import, as bytes, at most 2 MB (more is 413 `payload_too_large` before anything is
 * read); another media type is 415, no body 400 `empty_file`.
 */
function importBody(): RequestHandler[] {
  const raw = express.raw({ type: [...CSV_TYPES, XLSX_TYPE], limit: MAX_IMPORT_BYTES });
  const check: RequestHandler = (req, _res, next) => {
    const length = req.get('content-length');
    if (!req.get('transfer-encoding') && (length === undefined || length === '0')) return next(new AppError(400, 'empty_file', 'empty_file'));
    if (!req.is([...CSV_TYPES, XLSX_TYPE])) return next(new AppError(415, 'unsupported_media_type', 'unsupported_media_type'));
    next();
  };
  return [check, raw];
}

/** The registry under /api/v1: commission tokens import and read; administrators read, without contacts. */
export function representativeApiRoutes(ctx: Context): Router {
  const r = Router();

  r.post('/representatives/import', requireRole('commission'), ...importBody(), async (req, res) => {
    const buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const charset = /charset=["']?([\w-]+)/i.exec(req.get('content-type') ?? '')?.[1];
    res.json(await importRepresentatives(ctx, { buffer, charset }, req.user!.id));
  });

  r.get('/representatives', requireRole('commission', 'admin'), async (req, res) => {
    const filter = parseOrThrow(listQuery, req.query);
    const [representatives, counts] = await Promise.all([listRepresentatives(filter, { contacts: req.user!.role === 'commission' }), countRepresentatives()]);
    res.json({ representatives, counts });
  });
  return r;
}
