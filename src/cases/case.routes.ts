import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import type { Context } from '../context';
import { NotFoundError } from '../http/errors';
import { parseOrThrow } from '../http/validate';
import { openAttachment } from '../intake/attachments';
import { unitMaySee } from '../intake/strip-metadata';
import { listActiveUnits } from '../units/unit.service';
import { User } from '../users/user.model';
import { getCaseFor, listCases, type Viewer } from './case.service';
import { listActiveCategories } from './category.service';
import { categoryAdminRoutes } from './category.routes';
import { duplicateCounts, possibleDuplicates } from './duplicates';
import { identityReads, revealIdentity, type Identity } from './identity.service';
import { Notice, noticeNumber } from '../routing/notice.model';
import { Notification } from '../notifications/notification.model';
import { triageOptions } from '../routing/triage.options';

function viewerOf(req: Request): Viewer {
  return { role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId };
}

async function lookups() {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  return {
    categoryNames: Object.fromEntries(categories.map((c) => [c.code, c])),
    unitNames: Object.fromEntries(units.map((u) => [u.id, u])),
  };
}

const revealInput = z.object({ _csrf: z.string(), reason: z.string({ error: 'required' }).trim().min(4, { error: 'too_short' }).max(200, { error: 'too_long' }) });

export interface CasePageExtras {
  identity?: Identity | null;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** Everything the case page shows; what the viewer may see is decided by role and scope. */
export async function casePageModel(req: Request, extras: CasePageExtras = {}) {
  const viewer = viewerOf(req);
  const c = await getCaseFor(viewer, String(req.params.id));
  const commission = viewer.role === 'commission' || viewer.role === 'admin';
  const notice = c.noticeId ? await Notice.findById(c.noticeId, { year: 1, seq: 1 }).lean() : null;
  return {
    c,
    commission,
    notice: notice ? { id: String(notice._id), number: noticeNumber(notice) } : null,
    duplicates: commission ? await possibleDuplicates(c) : [],
    identityInfo: commission ? await identityReads(c._id) : null,
    triage: commission ? await triageOptions(c) : null,
    // The mails owed for this case and how delivery went (failures are retried with backoff).
    mails: commission ? await Notification.find({ caseId: c._id }, { kind: 1, status: 1, attempts: 1, lastError: 1, sentAt: 1, createdAt: 1 }).sort({ createdAt: 1 }).lean() : [],
    attachmentVisible: (contentType: string) => viewer.role !== 'unit' || unitMaySee(contentType),
    identity: extras.identity ?? null,
    errors: extras.errors ?? {},
    values: extras.values ?? {},
    ...(await lookups()),
  };
}

/** Case lists and case pages per role; every read goes through the viewer's scope (caseScope). */
export function casePageRoutes(ctx: Context): Router {
  const r = Router();
  r.use(categoryAdminRoutes());
  const staff = requireRole('commission', 'admin');
  const anyRole = requireRole('commission', 'admin', 'unit', 'supervisor');

  r.get('/commission/cases', staff, async (req, res) => {
    const cases = await listCases(viewerOf(req), 100);
    const dupes = await duplicateCounts(cases.map((c) => ({ id: c.id, categoryCode: c.categoryCode, status: c.status, unitId: c.assignedUnitId ?? c.targetUnitId })));
    res.render('commission/cases', { cases, dupes, ...(await lookups()) });
  });
  r.get('/unit/cases', requireRole('unit'), async (req, res) => {
    res.render('unit/cases', { cases: await listCases(viewerOf(req), 100), dupes: null, ...(await lookups()) });
  });
  r.get('/supervisor', requireRole('supervisor'), async (req, res) => {
    const profile = await User.findById(req.user!.id, { supervisor: 1 }).lean();
    res.render('supervisor/home', { cases: await listCases(viewerOf(req), 100), dupes: null, profile: profile?.supervisor ?? null, ...(await lookups()) });
  });

  for (const base of ['/commission/cases', '/unit/cases', '/supervisor/cases']) {
    r.get(`${base}/:id`, base === '/commission/cases' ? staff : base === '/unit/cases' ? requireRole('unit') : requireRole('supervisor'), async (req, res) => {
      res.render('cases/detail', await casePageModel(req));
    });
  }

  // Seeing who complained is a deliberate, recorded act: commission staff give a reason.
  r.post('/commission/cases/:id/identity', requireRole('commission'), async (req, res) => {
    const parsed = revealInput.safeParse(req.body);
    if (!parsed.success) return res.status(400).render('cases/detail', await casePageModel(req, { errors: { reason: parsed.error.issues[0]!.message } }));
    const identity = await revealIdentity(ctx, String(req.params.id), req.user!.id, parseOrThrow(revealInput, req.body).reason);
    res.setHeader('Cache-Control', 'no-store');
    res.render('cases/detail', await casePageModel(req, { identity }));
  });

  r.get('/cases/:id/attachments/:n', anyRole, async (req, res) => {
    const c = await getCaseFor(viewerOf(req), String(req.params.id));
    const file = c.attachments[Number(req.params.n) - 1];
    // HEIC, WEBP, GIF and PDF may carry the filer's name or position (we cannot clean them yet).
    if (!file || (req.user!.role === 'unit' && !unitMaySee(file.contentType))) throw new NotFoundError();
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `inline; filename="${file.filename}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    openAttachment(file.fileId).on('error', () => res.destroy()).pipe(res);
  });
  return r;
}
