import { Router } from 'express';
import { requireToken } from '../auth/auth.middleware';
import { requireRole } from '../platform/http/require-role';
import { calendarApiRoutes } from '../calendar/calendar.routes';
import { campaignApiRoutes } from '../campaigns/campaign.routes';
import type { Context } from '../context';
import { getCaseFor, listCases } from '../cases/case.service';
import { fileComplaint } from '../intake/filing.service';
import { complaintInput, staffEntryInput, supervisorFeedbackInput, type ComplaintInput } from '../intake/complaint.schemas';
import type { Channel } from '../cases/case.states';
import { trackingApiRoutes } from '../intake/tracking.api';
import { idempotencyKey } from '../intake/intake.schemas';
import { listActiveCategories } from '../cases/category.service';
import { idParam, parseOrThrow } from '../platform/http/validate';
import { listUnitDetails } from '../units/unit.service';
import { openApiDocument } from './openapi';
import { caseJson } from '../rectification/case.json';
import { rectificationApiRoutes } from '../rectification/rectification.api';
import { escalationApiRoutes } from '../escalation/escalation.api';
import { oversightApiRoutes } from '../oversight/oversight.api';
import { representativeApiRoutes } from '../evaluation/representatives.api';
import { evaluationApiRoutes, evaluationPublicApiRoutes } from '../evaluation/evaluation.api';
import { bulletinApiRoutes } from '../bulletins/bulletins.api';

/** JSON API under /api/v1; authenticated by Bearer token, scoped by role like the pages. */
export function apiRoutes(ctx: Context): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => res.json(openApiDocument()));
  // The citizen's tracking (code + secret), public like the tracking page.
  r.use(trackingApiRoutes(ctx));
  // A ballot by its one-time code, and the public check of a draw.
  r.use(evaluationPublicApiRoutes(ctx));
  r.use(requireToken);
  const anyRole = requireRole('commission', 'admin', 'unit', 'supervisor');

  r.get('/me', anyRole, (req, res) => {
    const u = req.user!;
    res.json({ id: String(u.id), username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId ? String(u.unitId) : null });
  });
  r.get('/units', anyRole, async (_req, res) => res.json({ units: await listUnitDetails() }));
  r.get('/categories', anyRole, async (_req, res) => res.json({ categories: await listActiveCategories() }));

  const viewer = (req: import('express').Request) => ({ role: req.user!.role, userId: req.user!.id, unitId: req.user!.unitId });
  r.get('/cases', anyRole, async (req, res) => res.json({ cases: await listCases(viewer(req), 100) }));
  r.get('/cases/:id', anyRole, async (req, res) => res.json(await caseJson(await getCaseFor(viewer(req), idParam(req)), viewer(req))));
  r.use(rectificationApiRoutes(ctx));
  r.use(escalationApiRoutes(ctx));
  r.use(oversightApiRoutes(ctx));
  r.use(representativeApiRoutes(ctx));
  r.use(evaluationApiRoutes(ctx));
  r.use(bulletinApiRoutes());
  // Staff and supervisors file on someone's behalf through the API (phone, visit, letter).
  // An `Idempotency-Key` header makes a client's retry return the first answer instead of filing twice.
  r.post('/complaints', requireRole('commission', 'supervisor'), async (req, res) => {
    const supervisor = req.user!.role === 'supervisor';
    // Commission staff may say how it came in (phone, visit, letter), as on the staff entry page.
    let input: ComplaintInput;
    let channel: Channel = 'api';
    if (supervisor) {
      input = parseOrThrow(supervisorFeedbackInput, req.body);
      channel = 'supervisor';
    } else if (req.body && typeof req.body === 'object' && 'channel' in req.body) {
      const staff = parseOrThrow(staffEntryInput, req.body);
      input = staff;
      channel = staff.channel;
    } else {
      input = parseOrThrow(complaintInput, req.body);
    }
    const key = idempotencyKey.safeParse(req.get('idempotency-key'));
    const filed = await fileComplaint(ctx, input, { channel, userId: req.user!.id }, { idempotencyKey: key.success ? key.data : undefined });
    res.status(filed.repeated ? 200 : 201).json(filed);
  });
  r.use(calendarApiRoutes());
  r.use(campaignApiRoutes());
  return r;
}
