import { Router, type Response } from 'express';
import { byKey } from '../platform/names';
import { requireRole } from '../platform/http/require-role';
import type { Context } from '../context';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { parseOrThrow } from '../platform/http/validate';
import { listActiveUnits } from '../units/unit.service';
import { newUserInput } from './user.schemas';
import { createUser, listUsers, setUserActive } from './user.service';

/** The administrator manages accounts: commission staff, unit staff, special supervisors. */
export function userAdminRoutes(ctx: Context): Router {
  const r = Router();
  const admin = requireRole('admin');
  const render = async (res: Response, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) => {
    const [users, units] = await Promise.all([listUsers(), listActiveUnits()]);
    const unitNames = byKey(units, 'id');
    res.status(status).render('admin/users', { users, units, unitNames, values, errors });
  };
  r.get('/admin/users', admin, async (_req, res) => render(res));
  r.post('/admin/users', admin, async (req, res) => {
    try {
      await createUser(ctx, parseOrThrow(newUserInput, req.body), req.user!.id);
      res.redirect(303, '/admin/users');
    } catch (err) {
      // The password is never sent back into the page.
      if (err instanceof ValidationError) return render(res, { ...req.body, password: '' }, err.fields ?? {}, 400);
      throw err;
    }
  });
  r.post('/admin/users/:id/active', admin, async (req, res) => {
    if (!(await setUserActive(String(req.params.id), req.body?.active === 'true', req.user!.id))) throw new NotFoundError();
    res.redirect(303, '/admin/users');
  });
  return r;
}
