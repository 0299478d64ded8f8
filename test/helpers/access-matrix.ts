import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { createCampaign } from '../../src/campaigns/campaign.service';
import { Case } from '../../src/cases/case.model';
import { userActor } from '../../src/cases/case.timeline';
import { Category } from '../../src/cases/category.model';
import type { Context } from '../../src/context';
import { OutcomeDocument } from '../../src/evaluation/evaluation.models';
import { createEvaluation } from '../../src/evaluation/evaluation.service';
import { escalateByHand } from '../../src/escalation/escalation.service';
import { SupervisionNotice } from '../../src/escalation/escalation.models';
import { Representative } from '../../src/evaluation/representative.model';
import { createRepresentative } from '../../src/evaluation/representatives.service';
import { listRoutes, type RouteEntry } from '../../src/platform/http/route-table';
import { Notice, noticeNumber } from '../../src/routing/notice.model';
import { RoutingRule } from '../../src/routing/routing-rule.model';
import { ApiToken, ROLES, type Role } from '../../src/users/user.model';
import { classify, PROBE_ROLES, type MatrixRow, type ProbeRole } from '../../scripts/access-matrix-table';
import { givenUser, unitByCode } from './builders';
import { assignedCase, FILER } from './cases';
import { browser } from './http';

/** A logged-in browser and an API token for one user of every role (unit staff of LE01). */
export async function givenRoleClients(app: Express) {
  const sessions = {} as Record<Role, ReturnType<typeof browser>>;
  const tokens = {} as Record<Role, string>;
  const users = {} as Record<Role, Types.ObjectId>;
  for (const role of ROLES) {
    const user = await givenUser(role, { username: `u-${role}`, unitCode: role === 'unit' ? 'LE01' : undefined });
    users[role] = user._id;
    sessions[role] = browser(app);
    const login = await sessions[role].login(`u-${role}`);
    if (login.status !== 302) throw new Error(`u-${role} could not log in (${login.status})`);
    tokens[role] = await createApiToken(user._id, 'matrix');
  }
  return { sessions, tokens, users };
}
export type RoleClients = Awaited<ReturnType<typeof givenRoleClients>>;

/**
 * Evaluations past their draft, through the API as commission staff: one published (with its
 * outcome documents) and one in voting (with a ballot code). Every ballot rates each unit
 * satisfied but the last of its series, so the published one has a commended and a criticised unit.
 */
async function givenEvaluationsUnderWay(app: Express, token: string) {
  await Representative.insertMany([
    ...[0, 1, 2, 3].map((i) => ({ kind: 'entrepreneur', name: `企业代表${i}`, organization: `企业${i}`, email: `firm${i}@firm.example` })),
    ...[0, 1, 2, 3].map((i) => ({ kind: 'public', name: `群众代表${i}`, publicRole: 'citizen', email: `rep${i}@public.example` })),
  ]);
  const api = (method: 'post' | 'get' | 'put', path: string, body?: object) => request(app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body);
  const underWay = async (year: number) => {
    const created = await api('post', '/evaluations', { year, name: `${year}年度双百双评`, rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 0 } });
    const id = created.body.id as string;
    await api('post', `/evaluations/${id}/draw`, { seed: `matrix-${year}` });
    const codes = (await api('post', `/evaluations/${id}/ballots/issue`)).body as { code: string }[];
    if (!codes.length) throw new Error(`matrix fixture: no ballots for ${year} (${created.status})`);
    return { id, codes };
  };
  const published = await underWay(2025);
  for (const { code } of published.codes) {
    const view = (await request(app).get(`/api/v1/ballots/${code}`)).body as { series: { units: { unitId: string }[] }[] };
    const ratings = view.series.flatMap((s) => s.units.map((u, i) => ({ unitId: u.unitId, rating: i === s.units.length - 1 ? 'dissatisfied' : 'satisfied' })));
    await request(app).put(`/api/v1/ballots/${code}`).send({ ratings });
  }
  await api('post', `/evaluations/${published.id}/close`);
  const done = await api('post', `/evaluations/${published.id}/publish`);
  const document = await OutcomeDocument.findOne({ evaluationId: published.id }).lean();
  if (!document) throw new Error(`matrix fixture: no outcome document (publish answered ${done.status})`);
  const voting = await underWay(2024);
  return { publishedId: published.id, documentId: String(document._id), ballotCode: voting.codes[0]!.code };
}

/** A record id that exists nowhere: stands for records the fixture does not build. */
const NO_SUCH_ID = 'ffffffffffffffffffffffff';

export interface MatrixFixture {
  clients: RoleClients;
  /** Text only the case's unit and the commission may ever see: a forbidden answer holding one leaks. */
  markers: string[];
  params: (route: RouteEntry) => string;
  /** The browser of the anonymous probes (no session; its CSRF cookie kept). */
  anonymous?: ReturnType<typeof browser>;
}

/**
 * One complaint (with the filer's identity) assigned to LE01 and noticed, an evaluation, a
 * campaign, a representative, a spare user, token and category to act on, and a session and token
 * per role. Every `:param` of a route is filled from it; a parameter it does not know throws, so a
 * new kind of route gets a fixture before it gets a row.
 */
export async function givenMatrixFixture(ctx: Context, app: Express): Promise<MatrixFixture> {
  const clients = await givenRoleClients(app);
  const description = '访问矩阵夹具：县公安局户籍窗口拒收材料且不出具书面告知。';
  const filed = await assignedCase(ctx, 'LE01', description);
  const c = await Case.findById(filed.id).lean();
  const notice = await Notice.findById(c!.noticeId).lean();
  const unit = await unitByCode('LE01');
  const by = clients.users.admin;
  const evaluationId = await createEvaluation(ctx, { year: 2026, name: '2026年度双百双评' }, by);
  const campaignId = await createCampaign(ctx, { title: '2026年度征求意见函', year: 2026, startDate: '2026-03-01', endDate: '2026-03-31' }, by);
  const representativeId = await createRepresentative(ctx, { kind: 'public', name: '代表甲', publicRole: 'citizen' } as never, by);
  const rule = await RoutingRule.findOne().lean();
  const spareUser = await givenUser('supervisor', { username: 'u-spare' });
  await createApiToken(spareUser._id, 'spare');
  const spareToken = await ApiToken.findOne({ userId: spareUser._id }).lean();
  const spareCategory = await Category.findOne({ code: { $ne: 'efficiency' } }).sort({ code: -1 }).lean();
  if (!rule || !notice || !spareToken || !spareCategory) throw new Error('matrix fixture incomplete');
  // A second case of LE01, supervised by hand: its supervision notice (the first case stays as filed).
  const supervised = await assignedCase(ctx, 'LE01', '访问矩阵夹具：县公安局窗口多次推诿，已督办。');
  await escalateByHand(ctx, supervised.id, 2, userActor({ id: clients.users.commission, role: 'commission' }));
  const supervision = await SupervisionNotice.findOne({ caseId: supervised.id }).lean();
  const underWay = await givenEvaluationsUnderWay(app, clients.tokens.commission);
  if (!supervision) throw new Error('matrix fixture: no supervision notice');

  const byPrefix: [RegExp, string][] = [
    [/\/cases\/:id/, filed.id],
    [/\/units\/:id/, String(unit._id)],
    [/^\/public\/evaluations\/:id/, underWay.publishedId],
    [/\/evaluations\/:id/, evaluationId],
    [/\/campaigns\/:id/, campaignId],
    [/\/representatives\/:id/, representativeId],
    [/\/rules\/:id/, String(rule._id)],
    [/^\/admin\/users\/:id/, String(spareUser._id)],
    [/^\/account\/tokens\/:id/, String(spareToken._id)],
    [/^\/notices\/:id/, String(notice._id)],
    [/^\/supervision-notices\/:id/, String(supervision._id)],
    [/evaluation-documents\/:id/, underWay.documentId],
    // Not built: an id that exists nowhere, so the row shows who gets past the role check (404) and who not.
    [/\/bulletins\/:id/, NO_SUCH_ID],
    [/^\/commission\/reports\/:id/, NO_SUCH_ID],
    // A published monthly ranking needs a past month published: none here.
    [/^\/rankings\/:id/, NO_SUCH_ID],
  ];
  const simple: Record<string, string> = {
    n: '1',
    i: '0',
    year: '2026',
    format: 'json',
    service_code: 'efficiency',
    service_request_id: filed.number,
    token: filed.id,
    section: 'units',
  };
  const params = (route: RouteEntry) =>
    route.path.replace(/:(\w+)/g, (_m, name: string, offset: number) => {
      if (name === 'id') {
        const hit = byPrefix.find(([re]) => re.test(route.path.slice(0, offset + 3)));
        if (!hit) throw new Error(`no fixture for :id in ${route.path}`);
        return hit[1];
      }
      if (name === 'code') return route.path.startsWith('/admin/categories') ? spareCategory.code : route.path.startsWith('/ballot/') ? underWay.ballotCode : 'NOSUCHCODE23';
      const value = simple[name];
      if (value === undefined) throw new Error(`no fixture for :${name} in ${route.path}`);
      return value;
    });

  const markers = [filed.number, description, FILER.name, FILER.phone, FILER.email, noticeNumber(notice)].filter((m): m is string => typeof m === 'string' && m.length > 0);
  return { clients, markers, params };
}

export const isTokenRoute = (path: string) => path.startsWith('/api/v1') || path.startsWith('/open311/v2');

export interface ProbeAnswer {
  status: number;
  location?: string;
  body: string;
}

/** How a probe presents itself: a role's session or token, or both kinds of credential crossed. */
export type ProbeAs = { role: ProbeRole; via: 'own' } | { role: Role; via: 'crossed' };

/**
 * One request as `as` would send it, with an empty body for anything but GET (and a valid CSRF
 * token on pages). `own`: API routes with the role's token (Bearer, and Open311's api_key), pages
 * with its session. `crossed`: the other kind (session cookie on the API, token on a page),
 * which must count for nothing.
 */
export async function probe(app: Express, fx: MatrixFixture, route: RouteEntry, as: ProbeAs): Promise<ProbeAnswer> {
  const method = (route.method === 'ALL' ? 'get' : route.method.toLowerCase()) as 'get' | 'post' | 'put' | 'delete' | 'patch';
  const path = fx.params(route);
  const tokenRoute = isTokenRoute(route.path);
  const role = as.role === 'anonymous' ? null : as.role;
  const useToken = role !== null && (as.via === 'own' ? tokenRoute : !tokenRoute);
  const useSession = role !== null && !useToken;
  const session = useSession ? fx.clients.sessions[role] : (fx.anonymous ??= browser(app));
  const token = useToken ? fx.clients.tokens[role] : undefined;
  // Pages: a valid token for this browser, read before the request is built (the agent attaches
  // its cookies then, and the first read sets the anonymous browser's CSRF cookie).
  const csrf = method !== 'get' && !tokenRoute ? await csrfOf(session) : undefined;

  let url = path;
  if (token && route.path.startsWith('/open311/v2')) url += `${url.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(token)}`;
  let req = session.agent[method](url);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  // Multipart routes read the token from the header too, so one way fits every page.
  if (csrf) req = req.set('x-csrf-token', csrf);
  if (method !== 'get') req = req.send({});
  const res = await req.redirects(0);
  const body = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body ?? ''));
  if (useSession && route.method === 'POST' && route.path === '/logout') {
    // Logging out ends the probe's session: log back in (a new session, a new CSRF token).
    csrfTokens.delete(session);
    const again = await session.login(`u-${role}`);
    if (again.status !== 302) throw new Error(`u-${role} could not log in again`);
  }
  return { status: res.status, location: res.headers.location as string | undefined, body };
}

// A CSRF token is bound to the browser's cookie and session; it stays valid until either changes.
const csrfTokens = new WeakMap<Browser, string>();
async function csrfOf(b: Browser): Promise<string> {
  let token = csrfTokens.get(b);
  if (!token) csrfTokens.set(b, (token = await b.csrf('/login')));
  return token;
}
type Browser = ReturnType<typeof browser>;

export interface ProbedRow extends MatrixRow {
  answers: Record<ProbeRole, ProbeAnswer>;
}

/** Every route of the app, probed by every role in its own way, in route-table order. */
export async function probeAll(app: Express, fx: MatrixFixture): Promise<ProbedRow[]> {
  const rows: ProbedRow[] = [];
  for (const route of listRoutes(app)) {
    const cells = {} as MatrixRow['cells'];
    const answers = {} as Record<ProbeRole, ProbeAnswer>;
    for (const role of PROBE_ROLES) {
      const a = await probe(app, fx, route, { role, via: 'own' });
      answers[role] = a;
      cells[role] = { outcome: classify(a.status, a.location), status: a.status };
    }
    rows.push({ method: route.method, path: route.path, credential: isTokenRoute(route.path) ? 'token' : 'session', cells, answers });
  }
  return rows;
}
