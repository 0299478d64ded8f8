import request from 'supertest';
import { Case } from '../../../src/cases/case.model';
import { useTestApp } from '../../helpers/app';
import { givenUser, unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT } from '../../helpers/cases';
import { browser } from '../../helpers/http';

// Each finding of the outside test of rectification, kept found.
const t = useTestApp({ smtp: true, workers: true });
beforeEach(() => t.ctx.clock.set(new Date('2026-03-02T02:00:00Z')));

async function resolvedCase() {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  await unit.post(`/cases/${filed.id}/sign`).expect(200);
  await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
  await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }).expect(200);
  return { filed, unit, staff };
}
const rate = (f: { trackingCode: string; trackingSecret: string }, rating: string, comment?: string) =>
  request(t.app).post('/api/v1/tracking/rating').send({ code: f.trackingCode, secret: f.trackingSecret, rating, ...(comment ? { comment } : {}) });

it("when the filer's rating comment and the commission's follow-up note name the filer, then the unit's case page shows neither", async () => {
  const { filed, staff } = await resolvedCase();
  await rate(filed, 'dissatisfied', `我是${FILER.name}，电话${FILER.phone}`).expect(201);
  await staff.post(`/cases/${filed.id}/follow-up`, { result: 'not_reached', note: `拨打${FILER.phone}未接通，邮箱${FILER.email}` }).expect(201);
  await givenUser('unit', { username: 'ws01', unitCode: 'WS01' });
  const page = browser(t.app);
  await page.login('ws01');
  const html = (await page.agent.get(`/unit/cases/${filed.id}`).expect(200)).text;
  for (const secret of Object.values(FILER)) expect(html).not.toContain(secret);
  expect(html).toContain('不满意');
});

it('when two staff rule on one send-back at once (insist and re-route), then one wins and the other is told', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const [a, b] = [await apiAs(t.app, 'commission'), await apiAs(t.app, 'commission')];
  await unit.post(`/cases/${filed.id}/send-back`, { reasons: '不属本单位职责', basis: '三定方案' }).expect(200);
  const cm02 = await unitByCode('CM02');
  const res = await Promise.all([a.post(`/cases/${filed.id}/send-back/decision`, { insist: true }), b.post(`/cases/${filed.id}/send-back/decision`, { insist: false, unitId: String(cm02._id) })]);
  expect(res.map((r) => r.status).sort()).toEqual([200, 409]);
  const c = await Case.findById(filed.id).lean();
  expect(c!.timeline.filter((e) => e.action === 'insisted' || e.action === 'rerouted')).toHaveLength(1);
});

it("when a case is re-routed, then the new unit does not see or inherit the first unit's contacts, question, extension and reports", async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const ws01 = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  await ws01.post(`/cases/${filed.id}/contact`, { at: '2026-03-02T10:00', means: 'phone', note: '第一单位的联系记录' }).expect(201);
  await ws01.post(`/cases/${filed.id}/questions`, { text: '第一单位的提问内容' }).expect(201);
  await ws01.post(`/cases/${filed.id}/extensions`, { workingDays: 5, reason: '第一单位的延期理由' }).expect(201);
  await ws01.post(`/cases/${filed.id}/send-back`, { reasons: '不属本单位职责', basis: '三定方案' }).expect(200);
  const cm02 = await unitByCode('CM02');
  await staff.post(`/cases/${filed.id}/send-back/decision`, { insist: false, unitId: String(cm02._id) }).expect(200);
  const cm = await apiAs(t.app, 'unit', 'CM02');
  const view = await cm.get(`/cases/${filed.id}`).expect(200);
  expect(view.body).toMatchObject({ contacts: [], extensions: [], reports: [], question: null, sendBack: null });
  expect(JSON.stringify(view.body)).not.toContain('第一单位的延期理由');
  await staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: true }).expect(409);
  await cm.post(`/cases/${filed.id}/extensions`, { workingDays: 3, reason: '本单位需要时间核查' }).expect(201);
  await cm.post(`/cases/${filed.id}/questions`, { text: '本单位的提问' }).expect(201);
});

it('when a return and an extension approval race, then the deadline is the one the winner set', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  await unit.post(`/cases/${filed.id}/sign`).expect(200);
  await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 5, reason: '需要时间' }).expect(201);
  await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
  const [ret, ext] = await Promise.all([staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '不到位', workingDays: 30 }), staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: true })]);
  const c = await Case.findById(filed.id).lean();
  // The return always lands; an approval either came first (and the return replaced its date)
  // or was refused because the deadline it read had changed. Either way the return's date stands.
  expect(ret.status).toBe(200);
  expect([200, 409]).toContain(ext.status);
  expect(c!.deadlineDate).toBe(c!.reports[0]!.decision!.newDeadline);
});

it('when the filer rates while the commission reopens, then the rating is never lost', async () => {
  const { filed, staff } = await resolvedCase();
  const [rated, reopened] = await Promise.all([rate(filed, 'dissatisfied'), staff.post(`/cases/${filed.id}/reopen`, { workingDays: 5, reason: '重新办理' })]);
  const c = await Case.findById(filed.id).lean();
  if (rated.status === 201) expect([c!.satisfaction?.rating, ...c!.pastRatings.map((r) => r.rating)]).toContain('dissatisfied');
  expect([rated.status, reopened.status]).not.toEqual([409, 409]);
});

it('when a case marked an unreasonable demand is reopened, then the mark does not carry over to the next rating', async () => {
  const { filed, unit, staff } = await resolvedCase();
  await rate(filed, 'dissatisfied').expect(201);
  await staff.post(`/cases/${filed.id}/unreasonable`, { reason: '超出职责范围' }).expect(200);
  await staff.post(`/cases/${filed.id}/reopen`, { workingDays: 5, reason: '重新核查' }).expect(200);
  expect((await Case.findById(filed.id).lean())!.unreasonable).toBeNull();
  await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
  await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(200);
  await rate(filed, 'dissatisfied').expect(201);
  await staff.post(`/cases/${filed.id}/unreasonable`, { reason: '仍超出职责范围' }).expect(200);
});

it("when the commission records a follow-up note, then the filer's tracking page and a filing supervisor never see it or internal steps", async () => {
  const supervisor = await givenUser('supervisor', { username: 'jdy' });
  const { createApiToken } = await import('../../../src/auth/auth.service');
  const token = await createApiToken(supervisor._id, 't');
  const ws01 = await unitByCode('WS01');
  const filed = await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${token}`).send({ categoryCode: 'efficiency', unitId: String(ws01._id), description: '监督员反映：窗口人员推诿群众办事。' }).expect(201);
  const { until } = await import('../../helpers/wait');
  await until(() => Case.findOne({ _id: filed.body.id, noticeId: { $ne: null } }).lean());
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  await unit.post(`/cases/${filed.body.id}/extensions`, { workingDays: 2, reason: '内部延期理由' }).expect(201);
  await staff.post(`/cases/${filed.body.id}/extensions/1/decision`, { approve: false, reason: '内部审批意见' }).expect(200);
  await unit.post(`/cases/${filed.body.id}/sign`).expect(200);
  await unit.post(`/cases/${filed.body.id}/reports`, REPORT).expect(201);
  await staff.post(`/cases/${filed.body.id}/reports/1/decision`, { accept: true }).expect(200);
  await staff.post(`/cases/${filed.body.id}/follow-up`, { result: 'satisfied', note: 'SECRET-PHONENOTE 回访记录' }).expect(201);
  const api = await request(t.app).get(`/api/v1/cases/${filed.body.id}`).set('Authorization', `Bearer ${token}`).expect(200);
  const b = browser(t.app);
  await b.login('jdy');
  const page = await b.agent.get(`/supervisor/cases/${filed.body.id}`).expect(200);
  for (const body of [JSON.stringify(api.body), page.text]) {
    for (const hidden of ['SECRET-PHONENOTE', '内部延期理由', '内部审批意见', REPORT.internalNotes]) expect(body).not.toContain(hidden);
  }
  expect(api.body.timeline.map((e: { action: string }) => e.action)).not.toContain('extension_refused');
  expect(api.body.publicReply.text).toBe(REPORT.reply);
});

it('when the unit reports while its question is open, then the question closes; when the report is accepted, pending extensions end', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  await unit.post(`/cases/${filed.id}/sign`).expect(200);
  await unit.post(`/cases/${filed.id}/questions`, { text: '请补充时间地点' }).expect(201);
  await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 3, reason: '核查需要时间' }).expect(201);
  const reported = await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
  expect(reported.body.case.question).toBeNull();
  await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 3, reason: '报送后再申请' }).expect(409, { error: 'invalid_state', message: 'invalid_state' });
  const accepted = await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }).expect(200);
  expect(accepted.body.extensions.map((e: { status: string }) => e.status)).toEqual(['void']);
  const tracking = await request(t.app).post('/api/v1/tracking').send({ code: filed.trackingCode, secret: filed.trackingSecret }).expect(200);
  expect(tracking.body.question).toBeNull();
});

it('when inputs are malformed, then each is a 400 naming the field, and nothing changes', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  const staff = await apiAs(t.app, 'commission');
  const ws01 = await unitByCode('WS01');
  for (const q of ['to=2026-13-01', 'from=0000-01-01&to=9999-12-31', 'from=2026-02-30']) {
    const res = await staff.get(`/units/${String(ws01._id)}/metrics?${q}`).expect(400);
    expect(Object.values(res.body.fields)).toContain('invalid_date');
  }
  expect((await unit.post(`/cases/${filed.id}/extensions`, { workingDays: [5], reason: '需要时间' }).expect(400)).body.fields).toEqual({ workingDays: 'invalid' });
  expect((await unit.post(`/cases/${filed.id}/contact`, { at: '2026-02-30T10:00', means: 'phone' }).expect(400)).body.fields).toEqual({ at: 'invalid_date' });
  expect((await unit.post(`/cases/${filed.id}/questions`, { text: '请补充情况说明', extra: 1 }).expect(400)).body.fields).toEqual({ extra: 'unknown_field' });
  await staff.post(`/cases/${filed.id}/extensions/0x1/decision`, { approve: true }).expect(400);
  const c = await Case.findById(filed.id).lean();
  expect(c).toMatchObject({ contacts: [], extensions: [], question: null });
});

it('when an API token is sent to a page, then it does not log anyone in', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  await request(t.app).get(`/unit/cases/${filed.id}`).set('Authorization', `Bearer ${unit.token}`).expect(302).expect('location', /\/login/);
  const anon = browser(t.app);
  const csrf = await anon.csrf('/login');
  await anon.agent.post(`/unit/cases/${filed.id}/sign`).set('Authorization', `Bearer ${unit.token}`).type('form').send({ _csrf: csrf }).expect(302);
  expect((await Case.findById(filed.id).lean())!.signedAt).toBeNull();
});
