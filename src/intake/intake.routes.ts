import { Router } from 'express';
import type { Context } from '../context';
import { fileComplaint } from '../cases/case.service';
import { complaintInput } from '../cases/case.schemas';
import { ValidationError } from '../http/errors';
import { parseOrThrow } from '../http/validate';
import { listActiveCategories } from '../cases/category.service';
import { listActiveUnits } from '../units/unit.service';

export function intakeRoutes(ctx: Context): Router {
  const r = Router();

  const renderForm = async (res: import('express').Response, values: Record<string, unknown>, errors: Record<string, string>, status = 200) => {
    const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
    res.status(status).render('public/complaint', { categories, units, values, errors });
  };

  r.get('/complaints/new', async (_req, res) => {
    await renderForm(res, {}, {});
  });

  r.post('/complaints', async (req, res) => {
    const { _csrf, ...body } = (req.body ?? {}) as Record<string, unknown>;
    void _csrf;
    try {
      const input = parseOrThrow(complaintInput, body);
      const created = await fileComplaint(ctx, input, { channel: 'web' });
      // Post/redirect/get: a reload of the receipt page does not file the complaint again.
      res.redirect(303, `/complaints/received?number=${encodeURIComponent(created.number)}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderForm(res, body, err.fields ?? {}, 400);
      throw err;
    }
  });

  r.get('/complaints/received', (req, res) => {
    const number = String(req.query.number ?? '');
    res.render('public/received', { number: /^\d{4}-\d{6}$/.test(number) ? number : '' });
  });
  return r;
}
