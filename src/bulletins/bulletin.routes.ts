import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Context } from '../context';
import { nameMaps } from '../cases/reference';
import { formAction, type FormState } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { idParam, isObjectId } from '../platform/http/validate';
import { Bulletin, bulletinNumber } from './bulletin.model';
import { bulletinDraftInput, parseBulletinEdit, publishInput } from './bulletin.schemas';
import { createDraft, getBulletin, getPublishedBulletin, issueBulletin, listBulletins, listedForNotice, setPublished, updateDraft } from './bulletin.service';

/** Typical-case notices (典型案件通报): list, new, edit, show, print; writes by the commission only. */
export function bulletinRoutes(ctx: Context): Router {
  const r = Router();
  const read = requireRole('commission', 'admin');
  const write = requireRole('commission');
  const lang = (req: Request) => (req.lang === 'en' ? 'en' : 'zh-CN');

  r.get('/commission/bulletins', read, async (_req, res) => {
    const rows = await listBulletins();
    const numbers = new Map(rows.map((b) => [String(b._id), bulletinNumber(b)]));
    res.render('bulletins/list', { rows, numbers });
  });

  const newForm = async (req: Request, res: Response, state: FormState, status = 200) => {
    const corrects = typeof (state.values.corrects ?? req.query.corrects) === 'string' ? String(state.values.corrects ?? req.query.corrects) : '';
    const old = isObjectId(corrects) ? await Bulletin.findById(corrects).lean() : null;
    res.status(status).render('bulletins/new', { listed: await listedForNotice(), corrects: old ? { id: String(old._id), number: bulletinNumber(old), title: old.title } : null, ...state, ...(await nameMaps()) });
  };
  r.get('/commission/bulletins/new', write, (req, res) => newForm(req, res, { errors: {}, values: {} }));
  r.post(
    '/commission/bulletins',
    write,
    formAction({
      parse: bulletinDraftInput,
      rerender: newForm,
      act: async (req, input) => `/commission/bulletins/${await createDraft(ctx, input, req.user!.id, req.t, lang(req))}/edit`,
    }),
  );

  const show = async (id: string, published = false) => {
    const b = published ? await getPublishedBulletin(id) : await getBulletin(id);
    const [corrects, correctedBy] = await Promise.all([b.corrects ? getBulletin(String(b.corrects)) : null, b.correctedBy ? getBulletin(String(b.correctedBy)) : null]);
    return { b, number: bulletinNumber(b), corrects: corrects && { id: String(corrects._id), number: bulletinNumber(corrects) }, correctedBy: correctedBy && { id: String(correctedBy._id), number: bulletinNumber(correctedBy) } };
  };
  const showPage = async (req: Request, res: Response, state: FormState, status = 200) => res.status(status).render('bulletins/show', { ...(await show(idParam(req))), ...state });
  r.get('/commission/bulletins/:id', read, (req, res) => showPage(req, res, { errors: {}, values: {} }));
  r.get('/commission/bulletins/:id/print', read, async (req, res) => res.render('bulletins/print', { ...(await show(idParam(req))), layout: false, backHref: `/commission/bulletins/${idParam(req)}` }));
  // A published notice is public (linked from /public); the same A4 page, back to the public page.
  r.get('/public/bulletins/:id', async (req, res) => res.render('bulletins/print', { ...(await show(idParam(req), true)), layout: false, backHref: '/public' }));

  const editForm = async (req: Request, res: Response, state: FormState, status = 200) => {
    const view = await show(idParam(req));
    if (view.b.status !== 'draft' && status === 200) return res.redirect(303, `/commission/bulletins/${idParam(req)}`);
    res.status(status).render('bulletins/edit', { ...view, saved: req.query.saved === '1', ...state });
  };
  r.get('/commission/bulletins/:id/edit', write, (req, res) => editForm(req, res, { errors: {}, values: {} }));
  r.post(
    '/commission/bulletins/:id',
    write,
    formAction({
      parse: parseBulletinEdit,
      rerender: editForm,
      act: async (req, input) => {
        await updateDraft(idParam(req), input);
        return `/commission/bulletins/${idParam(req)}/edit?saved=1`;
      },
    }),
  );
  r.post(
    '/commission/bulletins/:id/issue',
    write,
    formAction({
      parse: z.object({}).strict(),
      rerender: showPage,
      act: async (req) => {
        await issueBulletin(ctx, idParam(req), req.user!.id);
        return `/commission/bulletins/${idParam(req)}`;
      },
    }),
  );
  r.post(
    '/commission/bulletins/:id/publish',
    write,
    formAction({
      parse: publishInput,
      rerender: showPage,
      act: async (req, input) => {
        await setPublished(ctx, idParam(req), input.published);
        return `/commission/bulletins/${idParam(req)}`;
      },
    }),
  );
  return r;
}
