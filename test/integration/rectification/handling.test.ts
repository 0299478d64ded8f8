import { QueueEvents } from 'bullmq';
import { Case } from '../../../src/cases/case.model';
import { closeResolvedJob } from '../../../src/rectification/close-resolved.job';
import { Notice } from '../../../src/routing/notice.model';
import { unitEmail } from '../../../src/seed/seed.service';
import { useTestApp } from '../../helpers/app';
import { givenUser, unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT } from '../../helpers/cases';
import { browser } from '../../helpers/http';
import { until } from '../../helpers/wait';

const t = useTestApp({ smtp: true, workers: true });

// Monday 2026-03-02, 10:00 in the county. Signing is due by the end of Tuesday 03-03.
beforeEach(() => t.ctx.clock.set(new Date('2026-03-02T02:00:00Z')));

const at = (iso: string) => t.ctx.clock.set(new Date(iso));
const mailsTo = (address: string) => t.smtp.mails.filter((m) => m.to.includes(address));

describe('signing', () => {
  it('when the unit signs within the window, then it is recorded on time and the correction deadline does not move', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const before = await Case.findById(filed.id).lean();
    expect(before).toMatchObject({ status: 'assigned', signDueDate: '2026-03-03' });
    const unit = await apiAs(t.app, 'unit', 'WS01');
    at('2026-03-03T08:00:00Z');
    const res = await unit.post(`/cases/${filed.id}/sign`).expect(200);
    expect(res.body).toMatchObject({ status: 'acknowledged', signedLate: false, deadline: { date: before!.deadlineDate } });
    expect(res.body.notice.number).toMatch(/^〔2026〕第\d+号$/);
    await unit.post(`/cases/${filed.id}/sign`).expect(409, { error: 'invalid_state', message: 'invalid_state' });
  });

  it('when the unit signs after the window, then it is recorded as late', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    at('2026-03-04T01:00:00Z'); // Wednesday 09:00
    const res = await unit.post(`/cases/${filed.id}/sign`).expect(200);
    expect(res.body.signedLate).toBe(true);
    const c = await Case.findById(filed.id).lean();
    expect(c!.timeline.at(-1)).toMatchObject({ action: 'signed', from: 'assigned', to: 'acknowledged', data: { late: true } });
  });

  it('when another unit tries to sign, then it gets 404 and nothing changes', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const other = await apiAs(t.app, 'unit', 'LE01');
    await other.post(`/cases/${filed.id}/sign`).expect(404);
    await other.get(`/cases/${filed.id}`).expect(404);
    expect((await Case.findById(filed.id).lean())!.status).toBe('assigned');
  });
});

describe('send-back', () => {
  it('when the unit sends a case back and the commission re-routes it, then the new unit gets a new notice and the first unit is not charged', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/send-back`, { reasons: '', basis: '' }).expect(400).expect((r) => expect(Object.keys(r.body.fields).sort()).toEqual(['basis', 'reasons']));
    const sent = await unit.post(`/cases/${filed.id}/send-back`, { reasons: '企业开办属市场监管局职责', basis: '《市场主体登记管理条例》第五条' }).expect(200);
    expect(sent.body.status).toBe('sent_back');
    await unit.post(`/cases/${filed.id}/sign`).expect(409);
    const cm02 = await unitByCode('CM02');
    await staff.post(`/cases/${filed.id}/send-back/decision`, { insist: false }).expect(400);
    const ruled = await staff.post(`/cases/${filed.id}/send-back/decision`, { insist: false, unitId: String(cm02._id) }).expect(200);
    expect(ruled.body).toMatchObject({ status: 'assigned', assignedUnitId: String(cm02._id), signedAt: null });
    await until(() => Notice.findOne({ caseId: filed.id, unitId: cm02._id }).lean());
    await unit.get(`/cases/${filed.id}`).expect(404);
    const metrics = await staff.get(`/units/${String((await unitByCode('WS01'))._id)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200);
    expect(metrics.body).toMatchObject({ received: 1, sentBack: 1, sentBackWrongly: 0, dueToSign: 0 });
  });

  it('when the commission insists, then the case returns to the same unit with its deadline and the unit cannot send it back again', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    const deadline = (await Case.findById(filed.id).lean())!.deadlineDate;
    await unit.post(`/cases/${filed.id}/send-back`, { reasons: '不属我单位职责范围', basis: '三定方案' }).expect(200);
    const ruled = await staff.post(`/cases/${filed.id}/send-back/decision`, { insist: true }).expect(200);
    expect(ruled.body).toMatchObject({ status: 'assigned', deadline: { date: deadline }, sendBack: null });
    await unit.post(`/cases/${filed.id}/send-back`, { reasons: '再次申请退单', basis: '三定方案' }).expect(409);
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    const metrics = await staff.get(`/units/${String((await unitByCode('WS01'))._id)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200);
    expect(metrics.body).toMatchObject({ received: 1, sentBack: 1, sentBackWrongly: 1, rates: { sendBack: { numerator: 1, denominator: 1 } } });
    await until(async () => mailsTo(unitEmail('WS01')).find((m) => m.subject.includes('退单未获同意')));
  });
});

describe('contact, questions and extensions', () => {
  it('when the unit asks the filer a question, then the filer is mailed, sees it on the tracking page, and the answer closes it', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    at('2026-03-02T07:00:00Z'); // 15:00
    await unit.post(`/cases/${filed.id}/contact`, { at: '2026-03-02T16:00', means: 'phone' }).expect(400, /future_date/);
    await unit.post(`/cases/${filed.id}/contact`, { at: '2026-03-02T14:30', means: 'platform', note: '匿名，经平台留言联系' }).expect(201);
    const asked = await unit.post(`/cases/${filed.id}/questions`, { text: '请提供办理窗口的编号和大致时间。' }).expect(201);
    expect(asked.body).toMatchObject({ n: 1, case: { question: { text: '请提供办理窗口的编号和大致时间。' } } });
    await unit.post(`/cases/${filed.id}/questions`, { text: '第二个问题，在第一个回答之前。' }).expect(409);
    await until(async () => mailsTo(FILER.email).find((m) => m.subject.includes('需要您补充情况')));

    const citizen = browser(t.app);
    const csrf = await citizen.csrf('/track');
    const page = await citizen.agent.post('/track').type('form').send({ _csrf: csrf, code: filed.trackingCode, secret: filed.trackingSecret }).expect(200);
    expect(page.text).toContain('请提供办理窗口的编号和大致时间。');
    await citizen.agent.post('/track/supplement').type('form').send({ _csrf: csrf, code: filed.trackingCode, secret: filed.trackingSecret, text: '3号窗口，3月1日上午。' }).expect(200);
    const after = await unit.get(`/cases/${filed.id}`).expect(200);
    expect(after.body.question).toBeNull();
    expect(after.body.questions).toEqual([expect.objectContaining({ n: 1, answer: '3号窗口，3月1日上午。' })]);
    expect(after.body.contacts).toEqual([expect.objectContaining({ means: 'platform' })]);
  });

  it('when the unit asks for time, then an approved extension moves the deadline on the calendar, a refused one does not, and a third is over the limit', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    const first = (await Case.findById(filed.id).lean())!.deadlineDate!; // 10 working days from 03-02: 2026-03-16
    expect(first).toBe('2026-03-16');
    const asked = await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 5, reason: '需协调市场监管局共同核查' }).expect(201);
    expect(asked.body.n).toBe(1);
    await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 3, reason: '第二次申请，前一次未决' }).expect(409);
    const approved = await staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: true }).expect(200);
    expect(approved.body.deadline).toMatchObject({ date: '2026-03-23', workingDays: 15 });
    expect(approved.body.extensions[0]).toMatchObject({ status: 'approved', fromDate: '2026-03-16', toDate: '2026-03-23' });
    await staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: false, reason: '再次决定' }).expect(409);
    await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 10, reason: '仍需更多时间核查' }).expect(201);
    await staff.post(`/cases/${filed.id}/extensions/2/decision`, { approve: false }).expect(400);
    const refused = await staff.post(`/cases/${filed.id}/extensions/2/decision`, { approve: false, reason: '期限已充分' }).expect(200);
    expect(refused.body.deadline.date).toBe('2026-03-23');
    await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 2, reason: '第三次申请' }).expect(409, { error: 'extension_limit', message: 'extension_limit' });
    const c = await Case.findById(filed.id).lean();
    expect(c!.timeline.find((e) => e.action === 'extension_approved')).toMatchObject({ data: { from: '2026-03-16', to: '2026-03-23' } });
    expect(c!.timeline.find((e) => e.action === 'extension_approved')!.note).toMatch(/^〔2026〕第\d+号$/);
  });
});

describe('reports and review', () => {
  it('when the report is accepted, then the case is resolved, the reply is published and the filer is mailed it', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(409); // not signed yet
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await unit.post(`/cases/${filed.id}/reports`, { ...REPORT, outcome: 'fixed' }).expect(400);
    const sent = await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    expect(sent.body).toMatchObject({ n: 1, case: { status: 'responded', publicReply: null } });
    await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(404);
    const accepted = await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }).expect(200);
    expect(accepted.body).toMatchObject({ status: 'resolved', publicReply: { text: REPORT.reply }, reports: [{ n: 1, decision: { accepted: true, onTime: true } }] });
    await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '再审', workingDays: 5 }).expect(409);
    const toFiler = await until(async () => mailsTo(FILER.email).find((m) => m.subject.includes('办理结果')));
    expect(toFiler.text).toContain(REPORT.reply);
    expect(toFiler.text).not.toContain(REPORT.internalNotes);
    await until(async () => mailsTo(unitEmail('WS01')).find((m) => m.subject.includes('整改报告已通过')));
  });

  it('when the commission returns the report, then the case goes back to the unit with a new deadline, and a second report is accepted', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false }).expect(400).expect((r) => expect(Object.keys(r.body.fields).sort()).toEqual(['reasons', 'workingDays']));
    at('2026-03-04T02:00:00Z'); // Wednesday
    const returned = await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '未说明对责任人的处理', workingDays: 3 }).expect(200);
    expect(returned.body).toMatchObject({ status: 'assigned', redo: true, returnsCount: 1, deadline: { date: '2026-03-09' }, signedAt: expect.any(String) });
    await until(async () => mailsTo(unitEmail('WS01')).find((m) => m.subject.includes('退回重办')));
    const second = await unit.post(`/cases/${filed.id}/reports`, { ...REPORT, accountability: '对窗口负责人诫勉谈话' }).expect(201);
    expect(second.body.n).toBe(2);
    expect(second.body.case.reports[1]).toMatchObject({ accountability: 'admonishment', accountabilityNote: '对窗口负责人诫勉谈话' });
    const accepted = await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(200);
    expect(accepted.body.reports.map((r: { decision: { accepted: boolean } }) => r.decision.accepted)).toEqual([false, true]);
  });

  it('when two staff decide on one report at once, then one wins and the other is told', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const [a, b] = [await apiAs(t.app, 'commission'), await apiAs(t.app, 'commission')];
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    const results = await Promise.all([a.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }), b.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '不同意', workingDays: 5 })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const c = await Case.findById(filed.id).lean();
    expect(c!.timeline.filter((e) => e.action === 'accepted' || e.action === 'returned')).toHaveLength(1);
  });
});

describe("the filer's loop", () => {
  async function resolved() {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }).expect(200);
    return { filed, unit, staff };
  }
  const rate = (filed: { trackingCode: string; trackingSecret: string }, rating: string) =>
    import('supertest').then(({ default: request }) => request(t.app).post('/api/v1/tracking/rating').send({ code: filed.trackingCode, secret: filed.trackingSecret, rating, comment: '问题没有真正解决' }));

  it('when the filer is dissatisfied, then the case is listed, reopened to the same unit, and accepted again', async () => {
    const { filed, unit, staff } = await resolved();
    await (await rate(filed, 'dissatisfied')).body;
    expect((await Case.findById(filed.id).lean())!.dissatisfiedOpen).toBe(true);
    const commission = browser(t.app);
    await givenUser('commission', { username: 'wang' });
    await commission.login('wang');
    const list = await commission.agent.get('/commission/dissatisfied').expect(200);
    expect(list.text).toContain(filed.number);
    const reopened = await staff.post(`/cases/${filed.id}/reopen`, { workingDays: 5, reason: '投诉人反映问题未根本解决' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'assigned', reopenCount: 1, redo: true, satisfaction: null, dissatisfiedOpen: false });
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(200);
    const again = await rate(filed, 'basically_satisfied');
    expect(again.status).toBe(201);
    const c = await Case.findById(filed.id).lean();
    expect(c).toMatchObject({ status: 'resolved', satisfaction: { rating: 'basically_satisfied' }, pastRatings: [{ rating: 'dissatisfied' }] });
  });

  it('when the filer is dissatisfied and the commission closes it with a note, then it is closed and off the list', async () => {
    const { filed, staff } = await resolved();
    await rate(filed, 'dissatisfied');
    await staff.post(`/cases/${filed.id}/close`, { note: '' }).expect(400);
    const closed = await staff.post(`/cases/${filed.id}/close`, { note: '经核实已依法答复，诉求超出政策范围' }).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', dissatisfiedOpen: false });
  });

  it('when the rating window is over, then the scheduled job closes resolved cases, but not one on the dissatisfied list', async () => {
    const one = await resolved();
    const two = await resolved();
    await rate(two.filed, 'dissatisfied');
    at('2026-03-18T02:00:00Z'); // 16 days after acceptance
    // Run by the workers as the scheduler would; wait for the job itself, not a fixed time.
    // Connection options, not a client: BullMQ opens the connection and closes it with the
    // QueueEvents (a client passed in stays open and keeps the Jest worker from exiting).
    const events = new QueueEvents('maintenance', { connection: { url: t.ctx.config.REDIS_URL, maxRetriesPerRequest: null }, prefix: t.ctx.config.REDIS_PREFIX });
    try {
      await events.waitUntilReady();
      await t.ctx.queues.enqueue(closeResolvedJob, {}, { jobId: 'close-resolved-test' });
      const job = await t.ctx.queues.get('maintenance').getJob('close-resolved-test');
      expect(await job!.waitUntilFinished(events, 20000)).toEqual({ closed: 1 });
    } finally {
      await events.close();
    }
    expect((await Case.findById(one.filed.id).lean())!.status).toBe('closed');
    expect((await Case.findById(two.filed.id).lean())!.status).toBe('resolved');
  });

  it('when the commission records a phone follow-up for an unrated case, then it stands as the rating, marked as a follow-up', async () => {
    const { filed, staff } = await resolved();
    const res = await staff.post(`/cases/${filed.id}/follow-up`, { result: 'satisfied', note: '电话回访，表示满意' }).expect(201);
    expect(res.body.satisfaction).toMatchObject({ rating: 'satisfied', source: 'follow_up' });
    const unreached = await staff.post(`/cases/${filed.id}/follow-up`, { result: 'not_reached' }).expect(201);
    expect(unreached.body.satisfaction.rating).toBe('satisfied');
  });
});

describe('what a unit receives never names the filer', () => {
  it('when a case goes through every step, then no answer, page or mail to the unit carries the filer name, phone or email', async () => {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    const bodies: string[] = [];
    const keep = (r: { text: string }) => bodies.push(r.text);
    keep(await unit.post(`/cases/${filed.id}/sign`).expect(200));
    keep(await unit.post(`/cases/${filed.id}/questions`, { text: '请补充发生时间。' }).expect(201));
    keep(await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 2, reason: '核查需要时间' }).expect(201));
    await staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: true }).expect(200);
    keep(await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201));
    await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '补充责任追究', workingDays: 3 }).expect(200);
    keep(await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201));
    await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: true }).expect(409);
    await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(200);
    keep(await unit.get(`/cases/${filed.id}`).expect(200));
    keep(await unit.get('/cases').expect(200));
    const page = browser(t.app);
    await givenUser('unit', { username: 'ws01', unitCode: 'WS01' });
    await page.login('ws01');
    keep(await page.agent.get(`/unit/cases/${filed.id}`).expect(200));
    keep(await page.agent.get('/unit/cases').expect(200));
    await until(async () => mailsTo(unitEmail('WS01')).length >= 4);
    for (const m of mailsTo(unitEmail('WS01'))) bodies.push(m.subject, m.text);
    for (const body of bodies) for (const secret of Object.values(FILER)) expect(body).not.toContain(secret);
    expect(bodies.length).toBeGreaterThan(8);
  });
});
