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
import { oversightRoutes } from './oversight/oversight.routes';
import { healthRoutes } from './health/health.routes';
import { bulletinRoutes } from './bulletins/bulletin.routes';
import { reportRoutes } from './reports/report.routes';
import { closeConnectionsWhileStopping, readyRoute } from './platform/http/graceful';
import { refuseReservedFields } from './platform/http/body-guard';
import { dependencyDown, errorHandler, notFound } from './platform/http/error-handler';
import { isPublicPage } from './platform/http/request-kind';
import { i18nMiddleware } from './i18n';
import { formatter } from './platform/format';
import { intakeRoutes } from './intake/intake.routes';
import { open311Routes } from './open311/open311.routes';
import { dropPublicSnapshot } from './open311/open311.snapshot';
import { queueBoard } from './admin/queue-board';
import { unitAdminRoutes } from './units/unit.routes';
import { routingAdminRoutes } from './routing/routing-admin.routes';
import { userAdminRoutes } from './users/user.routes';
import { openDataRoutes, transparencyRoutes } from './transparency/transparency.routes';

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
  // What the layout reads, set before anything can fail: every error page, whatever route it
  // comes from (the queue dashboard, a body the parsers refuse), is drawn with the same layout.
  app.use((req, res, next) => {
    res.locals.path = req.path;
    res.locals.homeByRole = HOME_BY_ROLE;
    res.locals.fmt = formatter(req.lang, ctx.config.TZ_COUNTY);
    next();
  });
  // Health answers even when sessions (Redis) are down: it is how operators see what is down.
  app.use(healthRoutes(ctx));
  app.get('/readyz', readyRoute);
  app.use(closeConnectionsWhileStopping);

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '100kb' }));
  app.use(refuseReservedFields);

  // The API authenticates with Bearer tokens only; no session, no cookies, no CSRF.
  app.use('/api/v1', loadTokenUser, apiRoutes(ctx));
  // Open311 authenticates with its api_key field; no session, no cookies, no CSRF either.
  app.use('/open311/v2', open311Routes(ctx));
  // Open data: anonymous files, no session, no cookies (a slow Redis never touches them).
  app.use(openDataRoutes());

  const sessions = session({
    name: 'sid',
    store: new RedisStore({ client: ctx.redis, prefix: `${ctx.config.REDIS_PREFIX}:sess:` }),
    secret: ctx.config.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: 8 * 3600 * 1000 },
  });
  // A browser still holding an old session cookie makes the store read Redis. On the public pages
  // (complaint form, receipt, tracking, ballots, published results) a session that cannot be read
  // is treated as none, so no complaint is lost to a Redis outage; staff pages still answer 503,
  // since who is asking cannot be known.
  app.use((req, res, next) =>
    sessions(req, res, (err?: unknown) => {
      if (err && isPublicPage(req) && dependencyDown(err) === 'redis') {
        req.log.warn({ err: (err as Error).message }, 'session.unavailable');
        return next();
      }
      next(err);
    }),
  );
  app.use(loadSessionUser);
  const csrf = csrfProtection(ctx.config.SESSION_SECRET, production);
  // The queue dashboard's own scripts send no CSRF token; it checks the role and the Origin itself.
  // Its pages still get the token for reading (a GET changes nothing): the layout's logout form
  // on an error page under it needs one.
  app.use('/admin/queues', (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? csrf(req, res, next) : next()), queueBoard(ctx));
  app.use(csrf);
  app.use(calendarBanner(ctx));

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
  app.use(transparencyRoutes(ctx, casePage, () => dropPublicSnapshot(ctx)));
  app.use(oversightRoutes(ctx));
  app.use(noticeRoutes());
  app.use(campaignRoutes(ctx));
  app.use(bulletinRoutes(ctx));
  app.use(reportRoutes(ctx));
  app.use(unitAdminRoutes());
  app.use(userAdminRoutes(ctx));
  app.use(routingAdminRoutes());
  app.use(calendarAdminRoutes());

  app.use(notFound);
  app.use(errorHandler(production));
  return app;
}
