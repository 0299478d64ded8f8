import request from 'supertest';
import type { Types } from 'mongoose';
import { Case } from '../../src/cases/case.model';
import type { CaseState } from '../../src/cases/case.states';
import { SYSTEM } from '../../src/cases/case.timeline';
import { fileComplaint, type Filed } from '../../src/intake/filing.service';
import { Notification } from '../../src/platform/mail/notification.model';
import { ROLES, type Role } from '../../src/platform/roles';
import { closeAfterWindow } from '../../src/rectification/followup.service';
import { reviewReport, submitReport, type ReportInput } from '../../src/rectification/reports.service';
import { signCase } from '../../src/rectification/signing.service';
import { Notice } from '../../src/routing/notice.model';
import { routeCase } from '../../src/routing/routing.service';
import { splitCase } from '../../src/routing/split.service';
import { rejectCase } from '../../src/routing/triage.service';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { REPORT } from '../helpers/cases';
import { browser } from '../helpers/http';

// Every case is built through the code that puts it in its state, with the routing job's
// handler called directly; no workers run, so nothing changes a case behind the test's back and
// "nothing changed" can be checked on the whole document. Each test builds its own case and
// compares counts before and after, so the reference data and the users are made once.
const t = useTestApp({ seed: 'once' });

type Handler = { id: Types.ObjectId; role: 'unit' | 'commission'; unitId: Types.ObjectId | null };
let unitStaff: Handler;
let commissionStaff: Handler;

beforeAll(async () => {
  for (const role of ROLES) await givenUser(role, { username: `u-${role}`, unitCode: role === 'unit' ? 'WS01' : undefined });
  const handler = async (role: 'unit' | 'commission', unitCode?: string): Promise<Handler> => {
    const user = await givenUser(role, { unitCode });
    return { id: user._id as Types.ObjectId, role, unitId: (user.unitId as Types.ObjectId | null) ?? null };
  };
  unitStaff = await handler('unit', 'WS01');
  commissionStaff = await handler('commission');
});

beforeEach(() => t.ctx.clock.set(new Date('2026-03-02T02:00:00Z'))); // Monday 10:00 in the county

const INVALID_STATE = '案件状态已被他人更改'; // the page's message for 409 invalid_state
const NOT_RATEABLE = '办结后才能评价'; // the tracking page's message for 409 not_rateable

async function filedTo(unitCode: string | null): Promise<Filed> {
  const unit = unitCode ? await unitByCode(unitCode) : null;
  return fileComplaint(t.ctx, { categoryCode: 'inaction', ...(unit ? { unitId: String(unit._id) } : {}), description: '乡镇办事窗口对群众申请长期推诿不办。' }, { channel: 'web' });
}

/** A case in the given state, reached through the services that make it so. */
async function caseIn(state: CaseState): Promise<Filed> {
  if (state === 'triaged' || state === 'rejected' || state === 'split') {
    const filed = await filedTo(null); // no unit named, no rule matches: triage
    expect(await routeCase(t.ctx, filed.id)).toBe('triage');
    if (state === 'rejected') await rejectCase(t.ctx, filed.id, { reason: 'out_of_scope', note: '不属于本委受理范围' }, SYSTEM);
    if (state === 'split') {
      const [le02, le03] = [await unitByCode('LE02'), await unitByCode('LE03')];
      await splitCase(t.ctx, filed.id, [
        { unitId: String(le02._id), categoryCode: 'inaction', priority: 'normal', description: '第一部分的问题描述足够长。' },
        { unitId: String(le03._id), categoryCode: 'inaction', priority: 'normal', description: '第二部分的问题描述足够长。' },
      ], SYSTEM);
    }
    return filed;
  }
  const filed = await filedTo('WS01'); // the seeded named-unit rule assigns it and the notice is issued
  expect(await routeCase(t.ctx, filed.id)).toBe('assigned');
  if (state === 'assigned') return filed;
  await signCase(t.ctx, filed.id, unitStaff);
  if (state === 'acknowledged') return filed;
  await submitReport(t.ctx, filed.id, unitStaff, REPORT as ReportInput);
  await reviewReport(t.ctx, filed.id, 1, commissionStaff, { accept: true });
  if (state === 'resolved') return filed;
  // Closed by the scheduled job's handler once the rating window is over.
  t.ctx.clock.set(new Date(t.ctx.clock.now().getTime() + (t.ctx.config.RATING_WINDOW_DAYS + 1) * 24 * 3600 * 1000));
  expect(await closeAfterWindow(t.ctx, filed.id)).toBe('closed');
  return filed;
}

/** Everything an illegal action could have changed: the case as a whole, and what it would have created. */
async function snapshot(id: string) {
  const c = await Case.findById(id).lean();
  return {
    c,
    status: c!.status,
    assignmentNo: c!.assignmentNo,
    timeline: c!.timeline.length,
    cases: await Case.countDocuments(),
    notices: await Notice.countDocuments(),
    notifications: await Notification.countDocuments(),
  };
}

async function asRole(role: Role) {
  const b = browser(t.app);
  expect((await b.login(`u-${role}`)).status).toBe(302);
  return b;
}

type Action = 'assign' | 'reject' | 'split';

/** The form each action posts, valid in itself: only the case's state can refuse it. */
async function form(action: Action, caseId: string): Promise<Record<string, string>> {
  const [cm03, le02, le03] = [await unitByCode('CM03'), await unitByCode('LE02'), await unitByCode('LE03')];
  if (action === 'assign') {
    const c = await Case.findById(caseId).lean();
    // The assignment the case has now, so a refusal cannot come from a stale form.
    return { assignmentNo: String(c!.assignmentNo), unitId: String(cm03._id), categoryCode: 'inaction', priority: 'normal' };
  }
  if (action === 'reject') return { reason: 'out_of_scope', note: '不属于本委受理范围' };
  const part = (i: number, unitId: string) => ({ [`parts[${i}][unitId]`]: unitId, [`parts[${i}][categoryCode]`]: 'inaction', [`parts[${i}][priority]`]: 'normal', [`parts[${i}][description]`]: '这一部分的问题描述足够长。' });
  return { ...part(0, String(le02._id)), ...part(1, String(le03._id)) };
}

async function post(b: ReturnType<typeof browser>, action: Action, caseId: string, csrfFrom = `/commission/cases/${caseId}`) {
  const csrf = await b.csrf(csrfFrom);
  return b.agent.post(`/commission/cases/${caseId}/${action}`).type('form').send({ _csrf: csrf, ...(await form(action, caseId)) });
}

describe('the commission acts on a case in a state that does not allow it', () => {
  it.each(['assign', 'reject', 'split'] as Action[])('when it posts %s on a triaged case, then it is done (the forms below are valid)', async (action) => {
    const filed = await caseIn('triaged');
    const b = await asRole('commission');
    const res = await post(b, action, filed.id);
    expect(res.status).toBe(303);
    expect((await Case.findById(filed.id).lean())!.status).toBe({ assign: 'assigned', reject: 'rejected', split: 'split' }[action]);
  });

  const illegal: [Action, CaseState][] = [];
  for (const state of ['resolved', 'closed', 'rejected', 'split'] as CaseState[]) for (const action of ['reject', 'split', 'assign'] as Action[]) illegal.push([action, state]);
  for (const state of ['assigned', 'acknowledged'] as CaseState[]) for (const action of ['reject', 'split'] as Action[]) illegal.push([action, state]);

  it.each(illegal)('when it posts %s on a case that is %s, then it gets 409 with the message and nothing changes', async (action, state) => {
    const filed = await caseIn(state);
    const b = await asRole('commission');
    const before = await snapshot(filed.id);
    expect(before.status).toBe(state);

    const res = await post(b, action, filed.id);
    expect(res.status).toBe(409);
    expect(res.text).toContain(INVALID_STATE);

    const after = await snapshot(filed.id);
    expect(after).toMatchObject({ status: state, assignmentNo: before.assignmentNo, timeline: before.timeline, cases: before.cases, notices: before.notices, notifications: before.notifications });
    expect(after.c).toEqual(before.c);
  });
});

describe('the filer rates a case that is not resolved', () => {
  const nothingRated = async (id: string, before: Awaited<ReturnType<typeof snapshot>>) => {
    const after = await snapshot(id);
    expect(after.c!.satisfaction?.rating ?? null).toBeNull();
    expect(after.c!.timeline.some((e) => e.action === 'rated')).toBe(false);
    expect(after.c).toEqual(before.c);
    expect(after.notifications).toBe(before.notifications);
  };

  it('when the filer rates an assigned case on the tracking page, then the page says so with 409 and no satisfaction is stored', async () => {
    const filed = await caseIn('assigned');
    const before = await snapshot(filed.id);
    const citizen = browser(t.app);
    const csrf = await citizen.csrf('/track');
    const page = await citizen.agent.post('/track/rate').type('form').send({ _csrf: csrf, code: filed.trackingCode, secret: filed.trackingSecret, rating: 'satisfied' });
    expect(page.status).toBe(409);
    expect(page.text).toContain(NOT_RATEABLE);
    await nothingRated(filed.id, before);
  });

  it('when the filer rates an assigned case through the API, then it answers 409 and no satisfaction is stored', async () => {
    const filed = await caseIn('assigned');
    const before = await snapshot(filed.id);
    const api = await request(t.app).post('/api/v1/tracking/rating').send({ code: filed.trackingCode, secret: filed.trackingSecret, rating: 'dissatisfied', comment: '还没办完' });
    expect(api.status).toBe(409);
    expect(api.body.error).toBe('not_rateable');
    await nothingRated(filed.id, before);
  });
});

describe('only the commission assigns, rejects and splits', () => {
  const others: Role[] = ['admin', 'unit', 'supervisor'];
  const cases: [Role, Action][] = others.flatMap((role) => (['assign', 'reject', 'split'] as Action[]).map((action): [Role, Action] => [role, action]));

  it.each(cases)('when a logged-in %s user posts %s with a valid CSRF token, then they get 403 and nothing changes', async (role, action) => {
    const filed = await caseIn('triaged'); // a state in which the commission could do it
    const b = await asRole(role);
    const before = await snapshot(filed.id);
    // Their token comes from a page every role may open: the refusal is the role's, not CSRF's.
    const res = await post(b, action, filed.id, '/account/tokens');
    expect(res.status).toBe(403);
    expect(res.text).toContain('您没有权限访问此页面');
    const after = await snapshot(filed.id);
    expect(after).toMatchObject({ status: 'triaged', assignmentNo: 0, timeline: before.timeline, cases: before.cases, notices: before.notices, notifications: before.notifications });
    expect(after.c).toEqual(before.c);
  });
});
