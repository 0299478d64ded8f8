import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../platform/http/require-role';
import { AppError, ValidationError } from '../platform/http/errors';
import { parseOrThrow } from '../platform/http/validate';
import { Category } from './category.model';

const categoryInput = z.object({
  _csrf: z.string(),
  code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, { error: 'invalid_code' }),
  nameZh: z.string().trim().min(2, { error: 'too_short' }).max(60, { error: 'too_long' }),
  nameEn: z.string().trim().min(2, { error: 'too_short' }).max(80, { error: 'too_long' }),
});

/**
 * The administrator keeps the list of complaint categories. A category is never deleted (cases
 * keep its code); it is switched off so it no longer appears on forms.
 */
export function categoryAdminRoutes(): Router {
  const r = Router();
  const admin = requireRole('admin');
  const render = async (res: import('express').Response, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) => {
    const categories = await Category.find().sort({ order: 1, code: 1 }).lean();
    res.status(status).render('admin/categories', { categories, values, errors });
  };

  r.get('/admin/categories', admin, async (_req, res) => render(res));
  r.post('/admin/categories', admin, async (req, res) => {
    try {
      const input = parseOrThrow(categoryInput, req.body);
      if (await Category.exists({ code: input.code })) throw new ValidationError({ code: 'code_taken' });
      const last = await Category.findOne().sort({ order: -1 }).lean();
      await Category.create({ code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, order: (last?.order ?? 0) + 1 });
      res.redirect(303, '/admin/categories');
    } catch (err) {
      if (err instanceof ValidationError) return render(res, req.body, err.fields ?? {}, 400);
      throw err;
    }
  });
  r.post('/admin/categories/:code/active', admin, async (req, res) => {
    const active = req.body?.active === 'true';
    const result = await Category.updateOne({ code: String(req.params.code) }, { $set: { active } });
    if (result.matchedCount !== 1) throw new AppError(404, 'not_found', 'not_found');
    res.redirect(303, '/admin/categories');
  });
  return r;
}
