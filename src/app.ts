import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express from 'express';
import session from 'express-session';
import RedisStore from 'connect-redis';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Context } from './context';
import { apiRoutes } from './api/api.routes';
import { authRoutes, HOME_BY_ROLE } from './auth/auth.routes';
import { loadSessionUser, loadTokenUser } from './auth/auth.middleware';
import { csrfProtection } from './auth/csrf';
import { calendarAdminRoutes, calendarBanner } from './calendar/calendar.routes';
import { campaignRoutes } from './campaigns/campaign.routes';
import { createCasePage } from './cases/case.page';
import { casePageRoutes } from './cases/case.routes';
import { CASE_PANELS } from './registry';
import { noticeRoutes } from './routing/notice.routes';
import { triageRoutes } from './routing/triage.routes';
import { rectificationRoutes } from './rectification/rectification.routes';
import { escalationRoutes } from './escalation/escalation.routes';
import { representativeRoutes } from './evaluation/representatives.routes';
import { evaluationRoutes } from './evaluation/evaluation.routes';
import { healthRoutes } from './health/health.routes';
import { errorHandler, notFound } from './platform/http/error-handler';
import { i18nMiddleware } from './i18n';
import { intakeRoutes } from './intake/intake.routes';
import { open311Routes } from './open311/open311.routes';
import { queueBoard } from './admin/queue-board';
import { unitAdminRoutes } from './units/unit.routes';
import { routingAdminRoutes } from './routing/routing-admin.routes';
import { userAdminRoutes } from './users/user.routes';

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/** A path as logged: a secret it carries (a ballot's one-time code) replaced by its name. */
export function redactPath(path: string): string {
  return path.replace(/^(\/(?:api\/v1\/ballots|ballot))\/[^/]+/, '$1/:code');
}

export function createApp(ctx: Context): express.Express {
  const app = express();
  const production = ctx.config.NODE_ENV === 'production';
  if (ctx.config.TRUST_PROXY) app.set('trust proxy', 1);
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.disable('x-powered-by');

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Only method, path and status: query strings and bodies may hold personal data, and a ballot's
      // code in its path is its only key (redactPath).
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: redactPath(req.url.split('?')[0]!) }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/static/') },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': production ? [] : null },
      },
      hsts: production,
    }),
  );
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: production ? '7d' : 0 }));
  // Chart.js, served by the app itself (no CDN). Its package exports no `dist/chart.umd.js`
  // (require.resolve of that path throws), so the file is found next to its main entry.
  const chartJs = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  app.get('/static/vendor/chart.umd.js', (_req, res) => res.sendFile(chartJs, { maxAge: production ? '7d' : 0 }));
  app.use(cookieParser(ctx.config.SESSION_SECRET));
  app.use(i18nMiddleware);
  // Health answers even when sessions (Redis) are down: it is how operators see what is down.
  app.use(healthRoutes(ctx));

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '100kb' }));

  // The API authenticates with Bearer tokens only; no session, no cookies, no CSRF.
  app.use('/api/v1', loadTokenUser, apiRoutes(ctx));
  // Open311 authenticates with its api_key field; no session, no cookies, no CSRF either.
  app.use('/open311/v2', open311Routes(ctx));

  app.use(
    session({
      name: 'sid',
      store: new RedisStore({ client: ctx.redis, prefix: `${ctx.config.REDIS_PREFIX}:sess:` }),
      secret: ctx.config.SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: 8 * 3600 * 1000 },
    }),
  );
  app.use(loadSessionUser);
  // The queue dashboard's own scripts send no CSRF token; it checks the role and the Origin itself.
  app.use('/admin/queues', queueBoard(ctx));
  app.use(csrfProtection(ctx.config.SESSION_SECRET, production));
  app.use(calendarBanner(ctx));
  app.use((req, res, next) => {
    res.locals.path = req.path;
    res.locals.homeByRole = HOME_BY_ROLE;
    next();
  });

  app.get('/', (_req, res) => res.render('home/index'));
  app.use(authRoutes(ctx));
  app.use(intakeRoutes(ctx));
  const casePage = createCasePage(CASE_PANELS);
  app.use(casePageRoutes(ctx, casePage));
  app.use(triageRoutes(ctx, casePage));
  app.use(rectificationRoutes(ctx, casePage));
  app.use(escalationRoutes(ctx, casePage));
  app.use(representativeRoutes(ctx));
  app.use(evaluationRoutes(ctx));
  app.use(noticeRoutes());
  app.use(campaignRoutes(ctx));
  app.use(unitAdminRoutes());
  app.use(userAdminRoutes(ctx));
  app.use(routingAdminRoutes());
  app.use(calendarAdminRoutes());

  app.use(notFound);
  app.use(errorHandler(production));
  return app;
}
