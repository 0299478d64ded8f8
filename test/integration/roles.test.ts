import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { fileComplaint } from '../../src/intake/filing.service';
import { routeCase } from '../../src/routing/routing.service';
import { ROLES, type Role } from '../../src/users/user.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser } from '../helpers/http';

const t = useTestApp({ seed: 'once' });
const sessions = {} as Record<Role, ReturnType<typeof browser>>;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  for (const role of ROLES) {
    const user = await givenUser(role, { username: `u-${role}`, unitCode: role === 'unit' ? 'LE01' : undefined });
    sessions[role] = browser(t.app);
    expect((await sessions[role].login(`u-${role}`)).status).toBe(302);
    tokens[role] = await createApiToken(user._id, 'matrix');
  }
});

// Every page behind a login, with the roles allowed to open it. A new page belongs here.
const PAGES: [string, Role[]][] = [
  ['/commission/cases', ['commission', 'admin']],
  ['/commission/campaigns', ['commission', 'admin']],
  ['/admin/units', ['commission', 'admin']],
  ['/admin/queues', ['commission', 'admin']],
  ['/admin/calendar', ['admin']],
  ['/admin/categories', ['admin']],
  ['/admin/users', ['admin']],
  ['/admin/rules', ['admin']],
  ['/admin/deadlines', ['admin']],
  ['/commission/triage', ['commission', 'admin']],
  ['/commission/intake/new', ['commission']],
  ['/supervisor/feedback/new', ['supervisor']],
  ['/unit/cases', ['unit']],
  ['/supervisor', ['supervisor']],
  ['/account/tokens', ['commission', 'admin', 'unit', 'supervisor']],
];

describe.each(PAGES)('page %s', (path, allowed) => {
  it.each(ROLES)('when a %s user opens it, then they are let in only if allowed', async (role) => {
    const res = await sessions[role].agent.get(path);
    expect(res.status).toBe(allowed.includes(role) ? 200 : 403);
  });
});

const API: [string, string, Role[]][] = [
  ['get', '/api/v1/me', ['commission', 'admin', 'unit', 'supervisor']],
  ['get', '/api/v1/cases', ['commission', 'admin', 'unit', 'supervisor']],
  ['get', '/api/v1/units', ['commission', 'admin', 'unit', 'supervisor']],
  ['get', '/api/v1/calendar/due-date?from=2026-02-13&workingDays=5', ['commission', 'admin', 'unit', 'supervisor']],
  ['post', '/api/v1/complaints', ['commission', 'supervisor']],
  ['get', '/api/v1/campaigns', ['commission', 'admin']],
];

describe.each(API)('API %s %s', (method, path, allowed) => {
  it.each(ROLES)('when called with a %s token, then it is allowed only for the listed roles', async (role) => {
    const req = method === 'post' ? request(t.app).post(path).send({}) : request(t.app).get(path);
    const res = await req.set('Authorization', `Bearer ${tokens[role]}`);
    // An allowed POST with an empty body fails validation (400), which proves the role passed.
    const expected = allowed.includes(role) ? (method === 'post' ? 400 : 200) : 403;
    expect(res.status).toBe(expected);
  });
});

describe('what each role can read', () => {
  it('when cases exist for two units, then a unit token lists only its own unit\'s cases, without identity', async () => {
    const le01 = await unitByCode('LE01');
    const le02 = await unitByCode('LE02');
    const mine = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(le01._id), description: '派出所办理户口迁移一拖再拖。', name: '王五', phone: '13911112222' }, { channel: 'web' });
    const other = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(le02._id), description: '城管乱罚款，不开票据。' }, { channel: 'web' });
    await routeCase(t.ctx, mine.id);
    await routeCase(t.ctx, other.id);

    const list = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.unit}`).expect(200);
    expect(list.body.cases.map((c: { number: string }) => c.number)).toEqual([mine.number]);
    expect(JSON.stringify(list.body)).not.toMatch(/王五|13911112222/);
    await request(t.app).get(`/api/v1/cases/${other.id}`).set('Authorization', `Bearer ${tokens.unit}`).expect(404);
    const one = await request(t.app).get(`/api/v1/cases/${mine.id}`).set('Authorization', `Bearer ${tokens.unit}`).expect(200);
    expect(JSON.stringify(one.body)).not.toMatch(/王五|13911112222/);

    const all = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.commission}`).expect(200);
    expect(all.body.cases).toHaveLength(2);
    const supervisor = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.supervisor}`).expect(200);
    expect(supervisor.body.cases).toHaveLength(0); // they filed none
  });
});
