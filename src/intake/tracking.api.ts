import { Router } from 'express';
import type { Context } from '../context';
import { limitPerIp } from '../platform/http/limits';
import { parseOrThrow } from '../platform/http/validate';
import { ratingInput, supplementInput, trackingLookup } from './intake.schemas';
import { addSupplement, openByTracking, rateCase, trackingView } from './tracking.service';

/**
 * The tracking page as JSON, for apps and the hotline: public (the code and the secret are the
 * credentials), POST so the secret stays out of URLs, and limited per IP against guessing.
 */
export function trackingApiRoutes(ctx: Context): Router {
  const r = Router();
  const limit = limitPerIp(ctx, 'track', ctx.config.TRACK_LIMIT_PER_10MIN, 600);
  r.post('/tracking', limit, async (req, res) => {
    const { code, secret } = parseOrThrow(trackingLookup, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await trackingView(await openByTracking(code, secret)));
  });
  r.post('/tracking/supplements', limit, async (req, res) => {
    const input = parseOrThrow(supplementInput, req.body);
    const caseId = await openByTracking(input.code, input.secret);
    await addSupplement(ctx, caseId, input.text);
    res.status(201).json(await trackingView(caseId));
  });
  r.post('/tracking/rating', limit, async (req, res) => {
    const input = parseOrThrow(ratingInput, req.body);
    const caseId = await openByTracking(input.code, input.secret);
    await rateCase(ctx, caseId, input.rating, input.comment);
    res.status(201).json(await trackingView(caseId));
  });
  return r;
}
