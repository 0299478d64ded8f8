import { Router, type Request, type Response } from 'express';
import type { Context } from '../context';
import { countyDate } from '../clock';
import { listActiveCategories } from '../cases/category.service';
import { formAction } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { fieldErrors, idParam, newFormKey } from '../platform/http/validate';
import { listActiveUnits } from '../units/unit.service';
import { campaignInput, distributionInput, errorsOnBlocks, gatherOpinions, letterInput, OPINION_BLOCKS } from './campaign.schemas';
import {
  campaignStats,
  createCampaign,
  getCampaign,
  listCampaigns,
  listLetters,
  listSupervisors,
  recordLetter,
  setDistribution,
} from './campaign.service';

type Values = Record<string, unknown>;
type Errors = Record<string, string>;

const campaignId = (req: Request) => idParam(req);

/** Letter campaigns (征求意见函): commission staff and administrators only. */
export function campaignRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');
  const today = () => countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);

  const renderList = async (res: Response, values: Values, errors: Errors, status = 200) =>
    res.status(status).render('campaigns/list', { campaigns: await listCampaigns(), values, errors });

  const renderShow = async (res: Response, id: string, values: Values, errors: Errors, status = 200, notice: Values = {}) => {
    const [campaign, stats, letters, supervisors] = await Promise.all([getCampaign(id), campaignStats(id), listLetters(id), listSupervisors()]);
    res.status(status).render('campaigns/show', { campaign: { ...campaign, id }, stats, letters, supervisors, values, errors, notice });
  };

  const renderLetterForm = async (res: Response, id: string, values: Values, errors: Errors, status = 200) => {
    const [campaign, categories, units, supervisors] = await Promise.all([getCampaign(id), listActiveCategories(), listActiveUnits(), listSupervisors()]);
    // A fresh key per form shown: a double click records the letter once.
    const key = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : newFormKey();
    res.status(status).render('campaigns/letter-form', {
      campaign: { ...campaign, id },
      categories,
      units,
      supervisors,
      blocks: OPINION_BLOCKS,
      values: { receivedOn: today(), ...values },
      errors,
      idempotencyKey: key,
    });
  };

  r.get('/commission/campaigns', staff, async (_req, res) => {
    await renderList(res, { year: today().slice(0, 4) }, {});
  });

  r.post(
    '/commission/campaigns',
    staff,
    formAction({
      parse: campaignInput,
      rerender: (_req, res, { values, errors }, status) => renderList(res, values, errors, status),
      act: async (req, input) => `/commission/campaigns/${await createCampaign(ctx, input, req.user!.id)}`,
    }),
  );

  r.get('/commission/campaigns/:id', staff, async (req, res) => {
    const recorded = typeof req.query.recorded === 'string' && /^\d{1,2}$/.test(req.query.recorded) ? req.query.recorded : null;
    await renderShow(res, campaignId(req), {}, {}, 200, { recorded, saved: req.query.saved === '1' });
  });

  r.post(
    '/commission/campaigns/:id/distributions',
    staff,
    formAction({
      parse: distributionInput,
      rerender: (req, res, { values, errors }, status) => renderShow(res, campaignId(req), values, errors, status),
      act: async (req, input) => {
        await setDistribution(ctx, campaignId(req), input.supervisorId, input.letters);
        return `/commission/campaigns/${campaignId(req)}?saved=1`;
      },
    }),
  );

  r.get('/commission/campaigns/:id/letters/new', staff, async (req, res) => {
    await renderLetterForm(res, campaignId(req), {}, {});
  });

  r.post(
    '/commission/campaigns/:id/letters',
    staff,
    formAction({
      parse: (body) => {
        const parsed = letterInput.safeParse(gatherOpinions(body).fields);
        return parsed.success ? { data: parsed.data } : { errors: fieldErrors(parsed.error.issues) };
      },
      // Errors name opinions by their place among the filled-in blocks; show them on the blocks.
      rerender: (req, res, { values, errors, key }, status) =>
        renderLetterForm(res, campaignId(req), { ...values, idempotencyKey: key }, errorsOnBlocks(errors, gatherOpinions(values).blocks), status),
      act: async (req, input, { key }) => {
        const recorded = await recordLetter(ctx, campaignId(req), input, { userId: req.user!.id, intakeKey: key ?? newFormKey() });
        return `/commission/campaigns/${campaignId(req)}?recorded=${recorded.cases.length}`;
      },
    }),
  );
  return r;
}

/** GET /campaigns and /campaigns/:id under /api/v1 (token auth comes from the API router). */
export function campaignApiRoutes(): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');
  r.get('/campaigns', staff, async (_req, res) => res.json({ campaigns: await listCampaigns() }));
  r.get('/campaigns/:id', staff, async (req, res) => {
    const id = campaignId(req);
    const [campaign, stats] = await Promise.all([getCampaign(id), campaignStats(id)]);
    res.json({ id, title: campaign.title, year: campaign.year, startDate: campaign.startDate, endDate: campaign.endDate, stats });
  });
  return r;
}
