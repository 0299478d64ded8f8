import { Router, type Request, type Response } from 'express';
import { countyDate } from '../clock';
import type { Context } from '../context';
import { nameMaps } from '../cases/reference';
import { formAction, type FormState } from '../platform/http/form-action';
import { requireRole } from '../platform/http/require-role';
import { idParam, parseOrThrow } from '../platform/http/validate';
import { dashboard } from './dashboard.service';
import { rankingNumber } from './oversight.models';
import { dashboardQuery, historyQuery, publishInput, rankingPageQuery } from './oversight.schemas';
import { addMonths, monthOf } from './periods';
import { getRankingNotice, monthlyRanking, publishedRankings, publishRanking, rankHistory } from './ranking.service';
import { RankingNotice } from './oversight.models';

/** The commission's dashboard, the monthly ranking and its publication, and the units' view of the published rankings. */
export function oversightRoutes(ctx: Context): Router {
  const r = Router();
  const staff = requireRole('commission', 'admin');

  r.get('/commission', staff, async (req, res) => {
    const q = parseOrThrow(dashboardQuery, req.query);
    res.render('oversight/dashboard', { d: await dashboard(ctx, q), ...(await nameMaps()) });
  });

  const lastMonth = () => addMonths(monthOf(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY)), -1);
  const rankingPage = async (req: Request, res: Response, month: string, state: FormState = { errors: {}, values: {} }, status = 200) => {
    const [ranking, published, names] = await Promise.all([monthlyRanking(ctx, month), RankingNotice.findOne({ month }, { year: 1, seq: 1 }).lean(), nameMaps()]);
    res.status(status).render('oversight/rankings', { ranking, published: published ? { id: String(published._id), number: rankingNumber(published) } : null, state, minCases: ctx.config.RANKING_MIN_CASES, canPublish: req.user!.role === 'commission' && month <= lastMonth(), ...names });
  };
  r.get('/commission/rankings', staff, async (req, res) => {
    const q = parseOrThrow(rankingPageQuery, req.query);
    await rankingPage(req, res, q.month ?? lastMonth());
  });
  r.post(
    '/commission/rankings/publish',
    requireRole('commission'),
    formAction({
      parse: publishInput,
      rerender: async (req, res, state, status) => rankingPage(req, res, typeof state.values.month === 'string' && /^\d{4}-\d{2}$/.test(state.values.month) ? state.values.month : lastMonth(), state, status),
      act: async (req, input) => `/rankings/${(await publishRanking(ctx, input.month, req.user!.id)).id}`,
    }),
  );
  r.get('/commission/rankings/history', staff, async (req, res) => {
    const q = parseOrThrow(historyQuery, req.query);
    res.render('oversight/history', { history: await rankHistory({ series: q.series }), series: q.series ?? null, own: false, notices: await publishedRankings(), ...(await nameMaps()) });
  });

  // Units see the published rankings and their own place over the months, nothing unpublished.
  r.get('/unit/rankings', requireRole('unit'), async (req, res) => {
    res.render('oversight/history', { history: await rankHistory({ unitId: String(req.user!.unitId) }), series: null, own: true, notices: await publishedRankings(), ...(await nameMaps()) });
  });
  r.get('/rankings/:id', requireRole('commission', 'admin', 'unit'), async (req, res) => {
    const notice = await getRankingNotice(idParam(req));
    res.render('oversight/print', { notice, number: rankingNumber(notice), layout: false, ...(await nameMaps()) });
  });
  return r;
}
