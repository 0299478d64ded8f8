import { Router } from 'express';
import { countyDate } from '../clock';
import type { Context } from '../context';
import type { CasePage } from '../cases/case.page';
import { nameMaps } from '../cases/reference';
import { userActor } from '../cases/case.timeline';
import { dueDateInfo } from '../calendar/calendar.service';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { idParam, parseOrThrow } from '../platform/http/validate';
import { assignCase } from './assignment.service';
import { splitCase } from './split.service';
import { assignInput, duePreviewInput, parseSplitForm, rejectInput } from './triage.schemas';
import { rejectCase, triageQueue } from './triage.service';

/** The commission's triage: the queue, and accepting (assigning), re-routing, splitting or rejecting a case. */
export function triageRoutes(ctx: Context, casePage: CasePage): Router {
  const r = Router();
  const commission = requireRole('commission');
  const casePath = (id: string) => `/commission/cases/${id}`;

  r.get('/commission/triage', requireRole('commission', 'admin'), async (_req, res) => {
    res.render('commission/triage', { cases: await triageQueue(), ...(await nameMaps()) });
  });

  // The due date a number of working days gives, for the assign form's preview.
  r.get('/commission/due-date', requireRole('commission', 'admin'), async (req, res) => {
    const { from, workingDays } = parseOrThrow(duePreviewInput, req.query);
    const due = await dueDateInfo(from ?? countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY), workingDays);
    res.json({ due: due.date, provisional: due.provisional });
  });

  r.post(
    '/commission/cases/:id/assign',
    commission,
    formAction({
      parse: assignInput,
      rerender: casePage.rerender,
      act: async (req, { assignmentNo, ...order }) => {
        await assignCase(ctx, idParam(req), { ...order, expectedAssignmentNo: assignmentNo, by: userActor(req.user!) });
        return casePath(idParam(req));
      },
    }),
  );
  r.post(
    '/commission/cases/:id/reject',
    commission,
    formAction({
      parse: rejectInput,
      rerender: casePage.rerender,
      act: async (req, input) => {
        await rejectCase(ctx, idParam(req), input, userActor(req.user!));
        return casePath(idParam(req));
      },
    }),
  );
  r.post(
    '/commission/cases/:id/split',
    commission,
    formAction({
      parse: parseSplitForm,
      rerender: casePage.rerender,
      act: async (req, parts) => {
        await splitCase(ctx, idParam(req), parts, userActor(req.user!));
        return casePath(idParam(req));
      },
    }),
  );
  return r;
}
