import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/auth.middleware';
import type { Context } from '../context';
import { countyDate } from '../clock';
import { listActiveCategories } from '../cases/category.service';
import { ValidationError } from '../platform/http/errors';
import { parseOrThrow } from '../platform/http/validate';
import { idempotencyKey } from '../intake/intake.schemas';
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

/** The form's own fields (CSRF token, idempotency key) apart from the input. */
function formBody(req: Request): { fields: Values; key?: string } {
  const { _csrf, idempotencyKey: key, ...fields } = (req.body ?? {}) as Values;
  void _csrf;
  const parsed = idempotencyKey.safeParse(key);
  return { fields, key: parsed.success ? parsed.data : undefined };
}

const campaignId = (req: Request) => String(req.params.id);

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
    const key = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : randomBytes(18).toString('base64url');
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

  r.post('/commission/campaigns', staff, async (req, res) => {
    const { fields } = formBody(req);
    try {
      const id = await createCampaign(ctx, parseOrThrow(campaignInput, fields), req.user!.id);
      res.redirect(303, `/commission/campaigns/${id}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderList(res, fields, err.fields ?? {}, 400);
      throw err;
    }
  });

  r.get('/commission/campaigns/:id', staff, async (req, res) => {
    const recorded = typeof req.query.recorded === 'string' && /^\d{1,2}$/.test(req.query.recorded) ? req.query.recorded : null;
    await renderShow(res, campaignId(req), {}, {}, 200, { recorded, saved: req.query.saved === '1' });
  });

  r.post('/commission/campaigns/:id/distributions', staff, async (req, res) => {
    const id = campaignId(req);
    const { fields } = formBody(req);
    try {
      const input = parseOrThrow(distributionInput, fields);
      await setDistribution(ctx, id, input.supervisorId, input.letters);
      res.redirect(303, `/commission/campaigns/${id}?saved=1`);
    } catch (err) {
      if (err instanceof ValidationError) return renderShow(res, id, fields, err.fields ?? {}, 400);
      throw err;
    }
  });

  r.get('/commission/campaigns/:id/letters/new', staff, async (req, res) => {
    await renderLetterForm(res, campaignId(req), {}, {});
  });

  r.post('/commission/campaigns/:id/letters', staff, async (req, res) => {
    const id = campaignId(req);
    const { fields: body, key } = formBody(req);
    const { fields, blocks } = gatherOpinions(body);
    const intakeKey = key ?? randomBytes(18).toString('base64url');
    try {
      const input = parseOrThrow(letterInput, fields);
      const recorded = await recordLetter(ctx, id, input, { userId: req.user!.id, intakeKey });
      res.redirect(303, `/commission/campaigns/${id}?recorded=${recorded.cases.length}`);
    } catch (err) {
      if (err instanceof ValidationError) {
        return renderLetterForm(res, id, { ...body, idempotencyKey: intakeKey }, errorsOnBlocks(err.fields ?? {}, blocks), 400);
      }
      throw err;
    }
  });
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
