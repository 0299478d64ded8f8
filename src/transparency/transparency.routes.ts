import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import type { CasePage } from '../cases/case.page';
import { userActor } from '../cases/case.timeline';
import { ServiceUnavailableError } from '../platform/http/errors';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { formBoolean, idParam, parseQuery } from '../platform/http/validate';
import { LICENCE } from './open-data';
import { requestRefresh } from './refresh.job';
import { currentSnapshot, openDataFile, setPublishable } from './transparency.service';

/** The open-data files stay cached this long (the figures change at most every refresh). */
const FILE_MAX_AGE = 300;
/** The page, per browser (it carries the user's language and, when logged in, their menu). */
const PAGE_MAX_AGE = 60;

// Four digits only: a number parser would take `0x7E9` or `2.026e3` for a year.
const openDataQuery = z.object({
  year: z
    .string({ error: 'invalid' })
    .regex(/^\d{4}$/, { error: 'invalid' })
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2100, { error: 'out_of_range' })
    .optional(),
});

/**
 * The open-data downloads, anonymous and without a session (mounted before the session store, so
 * a slow Redis never touches them): served from the snapshot with an ETag; a missing snapshot
 * (the first refresh not finished) is 503 with Retry-After, never a 500.
 */
export function openDataRoutes(): Router {
  const r = Router();
  for (const format of ['csv', 'json'] as const) {
    r.get(`/open-data/cases.${format}`, async (req: Request, res: Response) => {
      const year = parseQuery(openDataQuery, req.query).year ?? null;
      const file = await openDataFile(year, format);
      if (file.state === 'preparing') {
        res.setHeader('Retry-After', '60');
        res.status(503).type('application/json').send(JSON.stringify({ error: 'preparing', message: 'The open data is being prepared; try again in a minute.' }));
        return;
      }
      const headers = (etag: string, generatedAt: Date) => {
        res.setHeader('Cache-Control', `public, max-age=${FILE_MAX_AGE}`);
        res.setHeader('ETag', etag);
        res.setHeader('Last-Modified', generatedAt.toUTCString());
        res.setHeader('Link', `<${LICENCE.url}>; rel="license"; title="${LICENCE.name}"`);
      };
      headers(file.etag, file.generatedAt);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      const loaded = await file.load();
      headers(loaded.etag, loaded.generatedAt);
      res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="cases-${year ?? 'all'}.${format}"`);
      res.send(loaded.body);
    });
  }
  return r;
}

/** The public page (no login), the commission's refresh button and the publishable mark on the case page. */
/**
 * `publishableChanged`: what else shows the filer's text and must forget it at once when the mark
 * changes (Open311's cached anonymous list), wired by the composition root so this feature does
 * not import that one (open311 reads transparency's masking).
 */
export function transparencyRoutes(ctx: Context, casePage: CasePage, publishableChanged: () => Promise<void> = async () => undefined): Router {
  const r = Router();

  r.get('/public', async (req, res) => {
    const snap = await currentSnapshot();
    res.setHeader('Cache-Control', `private, max-age=${PAGE_MAX_AGE}`);
    const refresh = typeof req.query.refresh === 'string' && ['queued', 'failed'].includes(req.query.refresh) ? req.query.refresh : null;
    const canRefresh = req.user?.role === 'commission' || req.user?.role === 'admin';
    res.render('transparency/public', { snap, figures: snap?.page ?? null, licence: LICENCE, refresh: canRefresh ? refresh : null, canRefresh, everyMinutes: Math.round(ctx.config.TRANSPARENCY_REFRESH_EVERY_SECONDS / 60) });
  });

  r.post('/commission/transparency/refresh', requireRole('commission', 'admin'), async (_req, res) => {
    const jobId = await requestRefresh(ctx);
    if (!jobId) throw new ServiceUnavailableError('redis');
    res.redirect(303, '/public?refresh=queued');
  });

  r.post(
    '/commission/cases/:id/publishable',
    requireRole('commission'),
    formAction({
      parse: z.object({ publishable: formBoolean }),
      rerender: casePage.rerender,
      act: async (req, input) => {
        if (await setPublishable(ctx, idParam(req), input.publishable, userActor(req.user!))) {
          await publishableChanged();
          await requestRefresh(ctx);
        }
        return `/commission/cases/${idParam(req)}`;
      },
    }),
  );
  return r;
}
