import request from 'supertest';
import { Types } from 'mongoose';
import { transition } from '../../src/cases/case.lifecycle';
import { Case } from '../../src/cases/case.model';
import { userActor } from '../../src/cases/case.timeline';
import { fileComplaint } from '../../src/intake/filing.service';
import { ValidationError } from '../../src/platform/http/errors';
import { Notification } from '../../src/platform/mail/notification.model';
import { Queues } from '../../src/platform/jobs/queues';
import { reconcile } from '../../src/platform/jobs/reconcile.job';
import { JOBS, QUEUE_NAMES } from '../../src/registry';
import { createFailFastRedis } from '../../src/redis';
import { assignCase } from '../../src/routing/assignment.service';
import { DeadlinePolicy } from '../../src/routing/deadline-policy.model';
import { Notice } from '../../src/routing/notice.model';
import { issueNotice } from '../../src/routing/notice.service';
import { RoutingRule } from '../../src/routing/routing-rule.model';
import { routeCase } from '../../src/routing/routing.service';
import { finishSplit } from '../../src/routing/split.service';
import { unitEmail } from '../../src/seed/seed.service';
import { Unit } from '../../src/units/unit.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser } from '../helpers/http';
import { jobFinished } from '../helpers/jobs';
import { until } from '../helpers/wait';

const t = useTestApp({ smtp: true, workers: true });

beforeEach(() => t.ctx.clock.set(new Date('2026-02-13T02:00:00Z'))); // Friday 10:00 in the county

async function triageCase(description = '开发区企业反映项目用地手续办理拖延半年。') {
  // No unit named, no rule matches: it waits for triage.
  const filed = await fileComplaint(t.ctx, { categoryCode: 'business_env', description }, { channel: 'web' });
  await until(() => Case.findOne({ _id: filed.id, routedAt: { $ne: null } }).lean());
  return filed;
}

async function asCommission() {
  await givenUser('commission', { username: 'wang' });
  const b = browser(t.app);
  await b.login('wang');
  return b;
}

describe('triage', () => {
  it('when the commission accepts a case, then the unit gets it with a deadline in working days and a numbered notice by email', async () => {
    const filed = await triageCase();
    const b = await asCommission();
    const queue = await b.agent.get('/commission/triage').expect(200);
    expect(queue.text).toContain(filed.number);
    const unit = await unitByCode('CM03');
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    const res = await b.agent
      .post(`/commission/cases/${filed.id}/assign`)
      .type('form')
      .send({ _csrf: csrf, assignmentNo: '0', unitId: String(unit._id), categoryCode: 'business_env', priority: 'urgent', workingDays: '5', basis: '《优化营商环境条例》第十条', requirements: '查明原因，限期办结并书面答复企业' });
    expect(res.status).toBe(303);

    // DESIGN section 4: Friday 2026-02-13 + 5 working days = end of Friday 2026-02-27.
    const c = await until(() => Case.findOne({ _id: filed.id, noticeId: { $ne: null } }).lean());
    expect(c).toMatchObject({ status: 'assigned', priority: 'urgent', deadlineDays: 5, deadlineDate: '2026-02-27', noticePending: false });
    expect(c!.deadlineAt!.toISOString()).toBe('2026-02-27T15:59:59.999Z');
    const notice = await Notice.findById(c!.noticeId).lean();
    expect(notice).toMatchObject({ year: 2026, seq: 1, deadline: '2026-02-27', basis: '《优化营商环境条例》第十条' });

    const [mail] = await t.smtp.waitForMails(1);
    expect(mail!.to).toEqual([unitEmail('CM03')]);
    expect(mail!.subject).toContain('〔2026〕第1号');
    expect(mail!.text).toContain('2026-02-27');
    expect(mail!.text).toContain(`/notices/${String(notice!._id)}`);

    // The unit opens its inbox and the print-ready notice; another unit cannot.
    await givenUser('unit', { username: 'cm03', unitCode: 'CM03' });
    const staff = browser(t.app);
    await staff.login('cm03');
    const page = await staff.agent.get(`/unit/cases/${filed.id}`).expect(200);
    expect(page.text).toContain('〔2026〕第1号');
    const print = await staff.agent.get(`/notices/${String(notice!._id)}`).expect(200);
    expect(print.text).toContain('整改通知书');
    expect(print.text).toContain('2026年2月27日');
    await givenUser('unit', { username: 'le01', unitCode: 'LE01' });
    const other = browser(t.app);
    await other.login('le01');
    await other.agent.get(`/notices/${String(notice!._id)}`).expect(404);
  });

  it('when the assign form is wrong, then each field says why and nothing changes', async () => {
    const filed = await triageCase();
    const b = await asCommission();
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    const res = await b.agent.post(`/commission/cases/${filed.id}/assign`).type('form').send({ _csrf: csrf, assignmentNo: '0', unitId: 'nope', categoryCode: 'business_env', priority: 'soon', workingDays: '0' });
    expect(res.status).toBe(400);
    for (const field of ['unitId', 'priority', 'workingDays']) expect(res.text).toContain(`id="${field}-error"`);
    expect(await Case.findById(filed.id).lean()).toMatchObject({ status: 'triaged', assignmentNo: 0 });
    expect(await Notice.countDocuments()).toBe(0);
  });

  it('when two staff assign the same case from forms opened at the same time, then the second is told and nothing is re-routed', async () => {
    const filed = await triageCase();
    const b = await asCommission();
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    const [cm03, le01] = [await unitByCode('CM03'), await unitByCode('LE01')];
    const form = (unitId: string) => ({ _csrf: csrf, assignmentNo: '0', unitId, categoryCode: 'business_env', priority: 'normal' });
    await b.agent.post(`/commission/cases/${filed.id}/assign`).type('form').send(form(String(cm03._id))).expect(303);
    const stale = await b.agent.post(`/commission/cases/${filed.id}/assign`).type('form').send(form(String(le01._id)));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('案件状态已被他人更改');
    const c = await Case.findById(filed.id).lean();
    expect(String(c!.assignedUnitId)).toBe(String(cm03._id));
    expect(c!.assignmentNo).toBe(1);
  });

  it('when the commission rejects a duplicate, then the filer sees the reason on the tracking page', async () => {
    const first = await triageCase('同一个问题：开发区项目用地手续拖延。');
    const second = await triageCase('同一个问题：开发区项目用地手续拖延（重复反映）。');
    const b = await asCommission();
    const csrf = await b.csrf(`/commission/cases/${second.id}`);
    const bad = await b.agent.post(`/commission/cases/${second.id}/reject`).type('form').send({ _csrf: csrf, reason: 'duplicate', duplicateOf: '2026-999999', note: '与前件重复，合并办理' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('没有这个编号的案件');
    await b.agent.post(`/commission/cases/${second.id}/reject`).type('form').send({ _csrf: csrf, reason: 'duplicate', duplicateOf: first.number, note: '与前件重复，合并办理' }).expect(303);
    expect(await Case.findById(second.id).lean()).toMatchObject({ status: 'rejected', rejection: { reason: 'duplicate', duplicateOf: first.number } });

    const citizen = browser(t.app);
    const tcsrf = await citizen.csrf('/track');
    const page = await citizen.agent.post('/track').type('form').send({ _csrf: tcsrf, code: second.trackingCode, secret: second.trackingSecret }).expect(200);
    expect(page.text).toContain('重复投诉');
    expect(page.text).toContain('与前件重复，合并办理');
  });

  it('when the commission re-routes an assigned case, then a new notice goes to the new unit and the timeline keeps both', async () => {
    const le02 = await unitByCode('LE02');
    const filed = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(le02._id), description: '占道经营长期无人管理。' }, { channel: 'web' });
    await until(() => Case.findOne({ _id: filed.id, noticeId: { $ne: null } }).lean());
    const cm05 = await unitByCode('CM05');
    await assignCase(t.ctx, filed.id, { unitId: String(cm05._id), priority: 'normal', by: { kind: 'user' } });
    const c = await until(() => Case.findOne({ _id: filed.id, assignmentNo: 2, noticeId: { $ne: null }, noticePending: false }).lean());
    expect(String(c.assignedUnitId)).toBe(String(cm05._id));
    expect(c.timeline.filter((e) => ['assigned', 'rerouted'].includes(e.action)).map((e) => [e.action, String(e.unitId)])).toEqual([
      ['assigned', String(le02._id)],
      ['rerouted', String(cm05._id)],
    ]);
    const notices = await Notice.find().sort({ seq: 1 }).lean();
    expect(notices.map((n) => [n.seq, String(n.unitId)])).toEqual([
      [1, String(le02._id)],
      [2, String(cm05._id)],
    ]);
    const mails = await t.smtp.waitForMails(2);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([unitEmail('CM05'), unitEmail('LE02')].sort());
  });
});

describe('notices: numbering and exactly once', () => {
  it('when 12 cases are assigned at the same moment, then their notices are numbered 1..12 with no repeat and no gap', async () => {
    const unit = await unitByCode('WS04');
    const cases = [];
    for (let i = 0; i < 12; i++) cases.push(await fileComplaint(t.ctx, { categoryCode: 'other', description: `并发交办测试第${i + 1}件，内容足够长。` }, { channel: 'web' }));
    await RoutingRule.deleteMany({}); // nothing automatic: the commission assigns all at once
    await Promise.all(cases.map((c) => assignCase(t.ctx, c.id, { unitId: String(unit._id), priority: 'normal', by: { kind: 'user' }, firstOnly: true })));
    // The worker's jobs and direct calls race for the same notices.
    await Promise.all(cases.flatMap((c) => [issueNotice(t.ctx, c.id), issueNotice(t.ctx, c.id)]));
    const notices = await Notice.find({ year: 2026 }).lean();
    expect(notices.map((n) => n.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(new Set(notices.map((n) => String(n.caseId))).size).toBe(12);
  });

  it('when the routing job runs twice for one case, then one notice is issued and one email is sent', async () => {
    const unit = await unitByCode('LE07');
    const filed = await fileComplaint(t.ctx, { categoryCode: 'attitude', unitId: String(unit._id), description: '交警窗口人员态度生硬。' }, { channel: 'web' });
    // The first delivery: the routing job assigns and issues the notice itself. (The running
    // worker's reconciler may also queue the notice job if it looked between the assignment and
    // the notice, as seen in CI; either way there is one notice and one mail, checked below.)
    expect(await jobFinished(t.ctx, 'routing', `route-${filed.id}`)).toEqual({ state: 'completed', result: 'assigned' });
    expect(await routeCase(t.ctx, filed.id)).toBe('skipped');
    const again = await t.ctx.queues.get('routing').add('route-case', { caseId: filed.id });
    const noticeAgain = await t.ctx.queues.get('routing').add('issue-notice', { caseId: filed.id, assignmentNo: 1 });
    // Both repeats have run to the end, and so has the one mail's delivery: nothing more can follow.
    expect(await jobFinished(t.ctx, 'routing', again.id!)).toEqual({ state: 'completed', result: 'skipped' });
    expect((await jobFinished(t.ctx, 'routing', noticeAgain.id!)).state).toBe('completed');
    const mail = await Notification.findOne({ kind: 'notice-issued' }).lean();
    expect(await jobFinished(t.ctx, 'notifications', `notify-${String(mail!._id)}`)).toEqual({ state: 'completed', result: 'sent' });
    expect(await Notice.countDocuments()).toBe(1);
    expect(await Notification.countDocuments({ kind: 'notice-issued' })).toBe(1);
    expect(t.smtp.mails.filter((m) => m.to.includes(unitEmail('LE07')))).toHaveLength(1);
  });

  it('when Redis is down as the commission assigns, then the case is assigned and the reconciler issues the notice once Redis is back', async () => {
    const filed = await triageCase();
    const deadRedis = createFailFastRedis('redis://127.0.0.1:1', { commandTimeoutMs: 1500, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    const deadQueues = new Queues(deadRedis, { prefix: t.ctx.config.REDIS_PREFIX, attempts: 1 }, QUEUE_NAMES);
    const unit = await unitByCode('CM08');
    await assignCase({ ...t.ctx, queues: deadQueues }, filed.id, { unitId: String(unit._id), priority: 'normal', by: { kind: 'user' } });
    deadRedis.disconnect();
    expect(await Case.findById(filed.id).lean()).toMatchObject({ status: 'assigned', noticePending: true, noticeId: null });

    await reconcile(t.ctx, JOBS);
    await until(() => Case.findOne({ _id: filed.id, noticePending: false, noticeId: { $ne: null } }).lean());
    const [mail] = await t.smtp.waitForMails(1);
    expect(mail!.to).toEqual([unitEmail('CM08')]);
  });
});

describe('due-date preview', () => {
  it('when staff ask for N working days from a date, then the page API and the JSON API agree with the calendar', async () => {
    const b = await asCommission();
    const page = await b.agent.get('/commission/due-date?from=2026-02-13&workingDays=5').expect(200);
    expect(page.body).toEqual({ due: '2026-02-27', provisional: false });
    const { createApiToken } = await import('../../src/auth/auth.service');
    const token = await createApiToken((await givenUser('commission'))._id, 't');
    const api = await request(t.app).get('/api/v1/calendar/due-date?from=2026-02-13&workingDays=5').set('Authorization', `Bearer ${token}`).expect(200);
    expect(api.body).toEqual({ due: '2026-02-27', provisional: false });
  });
});

describe('split', () => {
  it('when a part\'s deadline runs past the published calendar, then the split goes ahead with provisional deadlines (Monday to Friday)', async () => {
    t.ctx.clock.set(new Date('2026-12-20T02:00:00Z')); // 10 working days reach into 2027, not yet published
    const filed = await triageCase('年底反映的两个单位的问题，需要拆分办理。');
    const b = await asCommission();
    const [le02, le03] = [await unitByCode('LE02'), await unitByCode('LE03')];
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    const part = (i: number, unitId: string) => ({ [`parts[${i}][unitId]`]: unitId, [`parts[${i}][categoryCode]`]: 'inaction', [`parts[${i}][priority]`]: 'normal', [`parts[${i}][description]`]: '这一部分的问题描述足够长。' });
    await b.agent.post(`/commission/cases/${filed.id}/split`).type('form').send({ _csrf: csrf, ...part(0, String(le02._id)), ...part(1, String(le03._id)) }).expect(303);
    const parts = await Case.find({ splitFrom: filed.id }).lean();
    expect(parts.map((p) => [p.deadlineDate, p.deadlineProvisional])).toEqual([
      ['2027-01-01', true], // Friday 1 January counted as a working day until 2027 is entered
      ['2027-01-01', true],
    ]);
  });

  it('when one submission concerns two units, then the commission splits it into two assigned cases and the filer sees both', async () => {
    const filed = await triageCase('城管乱收费，同时市场监管所对投诉不予理睬，两个单位的问题。');
    const b = await asCommission();
    const [le02, le03] = [await unitByCode('LE02'), await unitByCode('LE03')];
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    const bad = await b.agent
      .post(`/commission/cases/${filed.id}/split`)
      .type('form')
      .send({ _csrf: csrf, 'parts[0][unitId]': String(le02._id), 'parts[0][categoryCode]': 'favours', 'parts[0][priority]': 'normal', 'parts[0][description]': '城管乱收费问题，需查明。' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('至少填写两个部分');
    expect(await Case.countDocuments()).toBe(1);

    await b.agent
      .post(`/commission/cases/${filed.id}/split`)
      .type('form')
      .send({
        _csrf: csrf,
        'parts[0][unitId]': String(le02._id), 'parts[0][categoryCode]': 'favours', 'parts[0][priority]': 'normal', 'parts[0][description]': '城管乱收费问题，需查明。',
        'parts[1][unitId]': String(le03._id), 'parts[1][categoryCode]': 'inaction', 'parts[1][priority]': 'urgent', 'parts[1][description]': '市场监管所对投诉不予理睬。',
        'parts[2][unitId]': '', 'parts[2][categoryCode]': 'other', 'parts[2][priority]': 'normal', 'parts[2][description]': '',
      })
      .expect(303);
    const parent = await Case.findById(filed.id).lean();
    expect(parent).toMatchObject({ status: 'split', splitPending: false });
    expect(parent!.splitInto).toHaveLength(2);
    const parts = await until(async () => {
      const found = await Case.find({ splitFrom: parent!._id, noticeId: { $ne: null } }).sort({ number: 1 }).lean();
      return found.length === 2 ? found : null;
    });
    expect(parts.map((p) => [String(p.assignedUnitId), p.priority, p.status])).toEqual([
      [String(le02._id), 'normal', 'assigned'],
      [String(le03._id), 'urgent', 'assigned'],
    ]);
    await t.smtp.waitForMails(2);
    expect(t.smtp.mails.map((m) => m.to[0]).sort()).toEqual([unitEmail('LE02'), unitEmail('LE03')].sort());

    const citizen = browser(t.app);
    const tcsrf = await citizen.csrf('/track');
    const page = await citizen.agent.post('/track').type('form').send({ _csrf: tcsrf, code: filed.trackingCode, secret: filed.trackingSecret }).expect(200);
    for (const p of parts) expect(page.text).toContain(p.number);
    expect(page.text).toContain('县城市管理行政执法局');
  });
});

describe('work that stopped is finished by the reconciler', () => {
  it('when the routing job fails on every attempt, then the case is handed back to the reconciler, which has it routed once the cause is gone', async () => {
    const unit = await unitByCode('LE04');
    const routing = t.ctx.queues.get('routing');
    // A damaged policy row (0 working days: an update is not validated by the model): every attempt
    // to compute the deadline throws. Written through the model, so every process's copy is dropped.
    await DeadlinePolicy.updateMany({ categoryCode: '*' }, { $set: { workingDays: 0 } });
    const filed = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(unit._id), description: '派出所对报警求助长期不出警。' }, { channel: 'web' });
    // Test queues allow 3 attempts (2 s, 4 s backoff). Given up, the case is marked for the
    // reconciler and the failed job removed (BullMQ would ignore a new job under an id it holds).
    await until(async () => !(await routing.getJob(`route-${filed.id}`)) && Case.findOne({ _id: filed.id, routingQueued: false }).lean(), 30000);
    const givenUp = await Case.findById(filed.id).lean();
    expect(givenUp).toMatchObject({ status: 'submitted', routingQueued: false, assignmentNo: 0, assignedUnitId: null });
    expect(givenUp!.timeline.map((e) => e.action)).toEqual(['submitted']);

    // The row is set right; the reconciler's next run queues the case again, and it is routed once.
    await DeadlinePolicy.updateMany({ categoryCode: '*' }, { $set: { workingDays: 10 } });
    expect((await reconcile(t.ctx, JOBS))['route-case']).toBe(1);
    expect(await jobFinished(t.ctx, 'routing', `route-${filed.id}`)).toEqual({ state: 'completed', result: 'assigned' });
    const routed = await until(() => Case.findOne({ _id: filed.id, noticeId: { $ne: null } }).lean());
    expect(routed).toMatchObject({ status: 'assigned', routingQueued: true, assignmentNo: 1, assignedUnitId: unit._id });
    expect(routed.timeline.filter((e) => e.action === 'assigned')).toHaveLength(1);
    expect(await Notice.countDocuments({ caseId: filed.id })).toBe(1);
    await t.smtp.waitForMails(1);
    expect(t.smtp.mails.map((m) => m.to)).toEqual([[unitEmail('LE04')]]);
    // Nothing is left for the reconciler.
    expect((await reconcile(t.ctx, JOBS))['route-case']).toBeUndefined();
  });

  it('when the unit a filer named is switched off before routing, then the case waits for triage instead of failing forever', async () => {
    const unit = await unitByCode('LE04');
    const routing = t.ctx.queues.get('routing');
    await routing.pause();
    const filed = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(unit._id), description: '派出所对报警求助长期不出警。' }, { channel: 'web' });
    await Unit.updateOne({ _id: unit._id }, { $set: { active: false } });
    await routing.resume();
    expect(await jobFinished(t.ctx, 'routing', `route-${filed.id}`)).toEqual({ state: 'completed', result: 'triage' });
    expect(await Case.findById(filed.id).lean()).toMatchObject({ status: 'triaged', assignedUnitId: null });
  });

  it('when a split stops after its first part, then the reconciler and the worker finish it: each part once, assigned, with one notice', async () => {
    const filed = await triageCase('城管乱收费，同时市场监管所对投诉不予理睬，两个单位的问题。');
    const [le02, le03] = [await unitByCode('LE02'), await unitByCode('LE03')];
    const staff = await givenUser('commission');
    // What splitCase does once its checks have passed: the plan, each part's case id fixed now,
    // is claimed with the transition; then finishSplit creates and assigns the parts.
    const plan = [
      { caseId: new Types.ObjectId(), unitId: le02._id, categoryCode: 'favours', description: '城管乱收费问题，需查明。', priority: 'normal' },
      { caseId: new Types.ObjectId(), unitId: le03._id, categoryCode: 'inaction', description: '市场监管所对投诉不予理睬。', priority: 'urgent' },
    ];
    await transition(t.ctx, filed.id, 'split', userActor({ id: staff._id, role: 'commission' }), { set: { routedAt: t.ctx.clock.now(), splitPlan: plan, splitPending: true }, event: { note: '2' } });
    // Meanwhile the second part's unit was deactivated: its assignment is refused and the split
    // stops after the first part (the second part's case is created, not assigned).
    await Unit.updateOne({ _id: le03._id }, { $set: { active: false } });
    await expect(finishSplit(t.ctx, filed.id)).rejects.toBeInstanceOf(ValidationError);
    expect(await Case.findById(filed.id).lean()).toMatchObject({ status: 'split', splitPending: true, splitInto: [] });
    expect(await Case.findById(plan[0]!.caseId).lean()).toMatchObject({ status: 'assigned', assignedUnitId: le02._id });
    expect(await Case.findById(plan[1]!.caseId).lean()).toMatchObject({ status: 'submitted', assignedUnitId: null });

    // The unit is active again; the reconciler finds the unfinished split and the worker finishes it.
    await Unit.updateOne({ _id: le03._id }, { $set: { active: true } });
    expect((await reconcile(t.ctx, JOBS))['finish-split']).toBe(1);
    const finished = await jobFinished(t.ctx, 'routing', `split-${filed.id}`);
    expect(finished.state).toBe('completed');

    const parts = await until(async () => {
      const found = await Case.find({ splitFrom: filed.id, noticeId: { $ne: null }, noticePending: false }).sort({ number: 1 }).lean();
      return found.length === 2 ? found : null;
    });
    expect(await Case.countDocuments({ splitFrom: filed.id })).toBe(2);
    expect(parts.map((p) => [String(p._id), String(p.assignedUnitId), p.status, p.assignmentNo])).toEqual([
      [String(plan[0]!.caseId), String(le02._id), 'assigned', 1],
      [String(plan[1]!.caseId), String(le03._id), 'assigned', 1],
    ]);
    for (const p of parts) {
      expect(p.timeline.filter((e) => e.action === 'split_from')).toHaveLength(1);
      expect(p.timeline.filter((e) => e.action === 'assigned')).toHaveLength(1);
      expect(await Notice.countDocuments({ caseId: p._id })).toBe(1);
    }
    const parent = await Case.findById(filed.id).lean();
    expect(parent).toMatchObject({ status: 'split', splitPending: false, splitInto: parts.map((p) => p.number) });
    expect(finished.result).toEqual(parent!.splitInto);
    await t.smtp.waitForMails(2);
    expect(t.smtp.mails.map((m) => m.to[0]).sort()).toEqual([unitEmail('LE02'), unitEmail('LE03')].sort());
    expect((await reconcile(t.ctx, JOBS))['finish-split']).toBeUndefined();

    const citizen = browser(t.app);
    const csrf = await citizen.csrf('/track');
    const page = await citizen.agent.post('/track').type('form').send({ _csrf: csrf, code: filed.trackingCode, secret: filed.trackingSecret }).expect(200);
    for (const p of parts) expect(page.text).toContain(p.number);
  });
});
