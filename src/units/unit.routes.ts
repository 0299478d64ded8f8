import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../platform/http/errors';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { idParam, optionalText, requiredText } from '../platform/http/validate';
import { Unit } from './unit.model';
import { findUnit, setUnitContacts } from './unit.service';

const email = optionalText(200).refine((v) => v === undefined || z.email().safeParse(v).success, { error: 'invalid_email' });

/** The unit's head (required) and, for a vertically managed unit, its superior authority. */
export const unitContactsInput = z.object({
  headName: requiredText(2, 50),
  headTitle: optionalText(50),
  headEmail: email,
  superiorName: optionalText(100),
  superiorEmail: email,
});

export function unitAdminRoutes(): Router {
  const r = Router();
  r.get('/admin/units', requireRole('admin', 'commission'), async (_req, res) => {
    const units = await Unit.find().sort({ series: 1, code: 1 }).lean();
    res.render('admin/units', { units });
  });

  const renderEdit = async (res: import('express').Response, id: string, values: Record<string, unknown>, errors: Record<string, string>, status = 200) => {
    const unit = await findUnit(id);
    if (!unit) throw new NotFoundError();
    res.status(status).render('admin/unit-edit', { unit, values, errors });
  };
  r.get('/admin/units/:id', requireRole('admin'), async (req, res) => {
    const unit = await findUnit(idParam(req));
    if (!unit) throw new NotFoundError();
    const values = { headName: unit.head?.name ?? '', headTitle: unit.head?.title ?? '', headEmail: unit.head?.email ?? '', superiorName: unit.superior?.name ?? '', superiorEmail: unit.superior?.email ?? '' };
    await renderEdit(res, idParam(req), values, {});
  });
  r.post(
    '/admin/units/:id',
    requireRole('admin'),
    formAction({
      parse: unitContactsInput,
      rerender: (req, res, { values, errors }, status) => renderEdit(res, idParam(req), values, errors, status),
      act: async (req, input) => {
        const ok = await setUnitContacts(idParam(req), {
          head: { name: input.headName, title: input.headTitle, email: input.headEmail },
          superior: input.superiorName ? { name: input.superiorName, email: input.superiorEmail } : null,
        });
        if (!ok) throw new NotFoundError();
        return '/admin/units';
      },
    }),
  );
  return r;
}
