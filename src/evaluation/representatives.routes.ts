import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Context } from '../context';
import { formAction, type FormState } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { formBoolean, idParam } from '../platform/http/validate';
import { listActiveUnits, unitNamesById } from '../units/unit.service';
import { PUBLIC_ROLES, REPRESENTATIVE_KINDS } from './representative.model';
import { IMPORT_COLUMNS, listQuery, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, representativeInput, type ListQuery } from './representatives.schemas';
import {
  countRepresentatives,
  createRepresentative,
  getRepresentative,
  ImportFileError,
  importRepresentatives,
  listRepresentatives,
  setRepresentativeActive,
  updateRepresentative,
  type ImportReport,
} from './representatives.service';

const BASE = '/commission/representatives';

/** The list's filters as a query string, rebuilt from what parsed (never echoed as sent). */
function filterQs(filter: ListQuery): string {
  const qs = new URLSearchParams();
  if (filter.kind) qs.set('kind', filter.kind);
  if (filter.active) qs.set('active', filter.active);
  if (filter.q) qs.set('q', filter.q);
  return qs.toString();
}

const filterOf = (req: Request): ListQuery => {
  const parsed = listQuery.safeParse(req.query);
  return parsed.success ? parsed.data : {};
};

/**
 * One file in the `file` field, at most 2 MB, kept in memory. A limit error is left in
 * `res.locals.uploadError` so the page can say what was wrong with the file.
 */
function acceptImportFile(): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 } }).single('file');
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        res.locals.uploadError = err.code === 'LIMIT_FILE_SIZE' ? 'file_too_large' : 'invalid_upload';
        return next();
      }
      // Anything else is busboy refusing a malformed body (memory storage cannot fail): the sender's mistake.
      res.locals.uploadError = 'invalid_upload';
      next();
    });
  };
}

interface ListExtras {
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  report?: ImportReport | null;
  importError?: { code: string; fields?: Record<string, string> } | null;
  notice?: string | null;
}

/**
 * The representative registry's pages: commission staff list, add, edit, import, deactivate and
 * reactivate; administrators may look at the list, without contact details. Nothing deletes.
 */
export function representativeRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');
  const commission = requireRole('commission');

  const renderList = async (req: Request, res: Response, extras: ListExtras = {}, status = 200) => {
    const filter = filterOf(req);
    // Contact details are personal data: only the staff who send the ballots see them.
    const contacts = req.user!.role === 'commission';
    const [list, counts, units, unitNames] = await Promise.all([listRepresentatives(filter, { contacts }), countRepresentatives(), listActiveUnits(), unitNamesById()]);
    res.status(status).render('evaluation/representatives', {
      list,
      counts,
      units,
      unitNames: Object.fromEntries(unitNames),
      filter,
      qs: filterQs(filter),
      kinds: REPRESENTATIVE_KINDS,
      roles: PUBLIC_ROLES,
      canEdit: contacts,
      values: extras.values ?? {},
      errors: extras.errors ?? {},
      report: extras.report ?? null,
      importError: extras.importError ?? null,
      notice: extras.notice ?? null,
      limits: { bytes: MAX_IMPORT_BYTES, rows: MAX_IMPORT_ROWS, columns: IMPORT_COLUMNS },
    });
  };

  const renderEdit = async (req: Request, res: Response, state: FormState | null, status = 200) => {
    const rep = await getRepresentative(idParam(req));
    const values = state?.values ?? { ...rep, unitId: rep.unitId ?? '' };
    res.status(status).render('evaluation/representatives-edit', { rep, values, errors: state?.errors ?? {}, units: await listActiveUnits(), kinds: REPRESENTATIVE_KINDS, roles: PUBLIC_ROLES });
  };

  r.get(BASE, staff, async (req, res) => {
    const notice = req.query.added === '1' ? 'added' : req.query.saved === '1' ? 'saved' : null;
    await renderList(req, res, { notice });
  });

  // An empty file with the columns, for staff to fill in.
  r.get(`${BASE}/template.csv`, commission, (_req, res) => {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="representatives.csv"');
    res.send(`\uFEFF${IMPORT_COLUMNS.join(',')}\r\n`);
  });

  r.post(
    BASE,
    commission,
    formAction({
      parse: representativeInput,
      rerender: (req, res, { values, errors }, status) => renderList(req, res, { values, errors }, status),
      act: async (req, input) => {
        await createRepresentative(ctx, input, req.user!.id);
        return `${BASE}?added=1`;
      },
    }),
  );

  // The import shows its row-by-row report on the list page. Importing the same file again is
  // harmless (every row already there is refused as already_registered), so a reload may resend it.
  r.post(`${BASE}/import`, commission, acceptImportFile(), async (req, res) => {
    const uploadError = res.locals.uploadError as string | undefined;
    if (uploadError) return renderList(req, res, { importError: { code: uploadError } }, uploadError === 'file_too_large' ? 413 : 400);
    const file = req.file;
    if (!file || !file.size) return renderList(req, res, { importError: { code: 'no_file' } }, 400);
    try {
      await renderList(req, res, { report: await importRepresentatives(ctx, { buffer: file.buffer }, req.user!.id) });
    } catch (err) {
      if (err instanceof ImportFileError) return renderList(req, res, { importError: { code: err.code, fields: err.fields } }, err.status);
      throw err;
    }
  });

  r.get(`${BASE}/:id`, commission, async (req, res) => renderEdit(req, res, null));

  r.post(
    `${BASE}/:id`,
    commission,
    formAction({
      parse: representativeInput,
      rerender: (req, res, state, status) => renderEdit(req, res, state, status),
      act: async (req, input) => {
        await updateRepresentative(ctx, idParam(req), input, req.user!.id);
        return `${BASE}?saved=1`;
      },
    }),
  );

  // Deactivate or reactivate; back to the list as it was filtered.
  r.post(
    `${BASE}/:id/active`,
    commission,
    formAction({
      parse: z.object({ active: formBoolean }).strict(),
      rerender: (req, res, { errors }, status) => renderList(req, res, { errors }, status),
      act: async (req, input) => {
        await setRepresentativeActive(ctx, idParam(req), input.active, req.user!.id);
        const qs = filterQs(filterOf(req));
        return qs ? `${BASE}?${qs}` : BASE;
      },
    }),
  );
  return r;
}
