import request from 'supertest';
import { Case } from '../../../src/cases/case.model';
import { SupervisionNotice, Watch } from '../../../src/escalation/escalation.models';
import { applyDueSteps } from '../../../src/escalation/escalation.service';
import { sweep, sweepNow } from '../../../src/escalation/sweep.job';
import { fileComplaint } from '../../../src/intake/filing.service';
import { Notification } from '../../../src/platform/mail/notification.model';
import { assignCase } from '../../../src/routing/assignment.service';
import { headEmail, unitEmail } from '../../../src/seed/seed.service';
import { useTestApp } from '../../helpers/app';
import { unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, REPORT, watchCaughtUp } from '../../helpers/cases';
import { until } from '../../helpers/wait';

const t = useTestApp({ smtp: true, workers: true });

/** County time → the clock. */
const at = (local: string) => t.ctx.clock.set(new Date(`${local}+08:00`));
const kinds = async (caseId: string) => (await Notification.find({ caseId }, { kind: 1 }).lean()).map((n) => n.kind).sort();
const escalated = async (caseId: string) => (await Case.findById(caseId).lean())!.escalationEvents.map((e) => [e.level, e.dueAt!.toISOString(), e.appliedAt!.toISOString()]);

describe('reminders', () => {
  it('when the deadline approaches, then the unit is reminded 2 and 1 working days before, each once, and an unsigned notice when signing falls due', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01'); // deadline Monday 03-16; signing due 03-03
    at('2026-03-03T23:00:00');
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-04T00:30:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/^sign:/)]);
    const unit = await apiAs(t.app, 'unit', 'WS01');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    at('2026-03-12T08:59:00'); // Thursday, before 09:00
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-12T09:00:00');
    expect((await sweepNow(t.ctx)).map((r) => r.applied)).toEqual([[expect.stringMatching(/:remind:2$/)]]);
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-13T09:30:00'); // Friday: the working day before Monday's deadline
    expect((await sweepNow(t.ctx)).map((r) => r.applied)).toEqual([[expect.stringMatching(/:remind:1$/)]]);
    expect(await kinds(filed.id)).toEqual(['complaint-receipt', 'deadline-reminder', 'deadline-reminder', 'notice-issued', 'sign-reminder']);
    const mails = await until(async () => (t.smtp.mails.filter((m) => m.subject.includes('到期提醒')).length === 2 ? t.smtp.mails : null));
    expect(mails.filter((m) => m.subject.includes('签收提醒'))).toHaveLength(1);
  });
});

describe('the ladder', () => {
  async function urgentBeforeSpringFestival() {
    at('2026-02-10T10:00:00');
    const filed = await fileComplaint(t.ctx, { categoryCode: 'business_env', description: '开发区企业反映项目用地手续办理拖延半年。' }, { channel: 'web' });
    await until(() => Case.findOne({ _id: filed.id, routedAt: { $ne: null } }).lean());
    const unit = await unitByCode('CM03');
    await assignCase(t.ctx, filed.id, { unitId: String(unit._id), priority: 'urgent', workingDays: 3, by: { kind: 'system' } });
    await until(() => Case.findOne({ _id: filed.id, noticeId: { $ne: null } }).lean());
    await watchCaughtUp(filed.id);
    return filed; // deadline Friday 02-13
  }

  it('when a case stays overdue across the Spring Festival and the make-up Saturdays, then levels 1, 2 and 3 fall on the right working days', async () => {
    const filed = await urgentBeforeSpringFestival();
    await (await apiAs(t.app, 'unit', 'CM03')).post(`/cases/${filed.id}/sign`).expect(200);
    // Before the deadline: the two reminders (02-11 and 02-12, 09:00), nothing more.
    at('2026-02-11T09:30:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:remind:2$/)]);
    at('2026-02-13T23:59:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:remind:1$/)]);
    at('2026-02-14T00:00:01');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
    // Level 2: three working days after Friday 02-13: Saturday 02-14 (make-up), 02-24, 02-25.
    at('2026-02-25T23:59:00');
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-02-26T00:00:01');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:2$/)]);
    // Level 3: five working days later: 02-26, 02-27, Saturday 02-28 (make-up), 03-02, 03-03.
    at('2026-03-03T23:59:00');
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-04T00:00:01');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:3$/)]);
    expect(await escalated(filed.id)).toEqual([
      [1, '2026-02-13T15:59:59.999Z', '2026-02-13T16:00:01.000Z'],
      [2, '2026-02-25T15:59:59.999Z', '2026-02-25T16:00:01.000Z'],
      [3, '2026-03-03T15:59:59.999Z', '2026-03-03T16:00:01.000Z'],
    ]);
    const c = await Case.findById(filed.id).lean();
    expect(c!.typicalListedAt).not.toBeNull();
    const notice = await SupervisionNotice.findOne({ caseId: filed.id }).lean();
    expect(notice).toMatchObject({ year: 2026, seq: 1, deadline: '2026-02-13' });
    expect(notice!.noticeNumber).toMatch(/^〔2026〕第\d+号$/);
    const mails = await until(async () => (t.smtp.mails.some((m) => m.subject.includes('拟通报')) ? t.smtp.mails : null));
    const supervised = mails.find((m) => m.subject.includes('督办通知书'))!;
    expect(supervised.to.sort()).toEqual([headEmail('CM03'), unitEmail('CM03')].sort());
    expect(supervised.subject).toContain('〔2026〕督第1号');
  });

  it('when the sweep was down for 20 working days, then levels 1, 2 and 3 are applied once each, in order, with the times they were due', async () => {
    const filed = await urgentBeforeSpringFestival();
    at('2026-03-13T10:00:00');
    const report = await sweepNow(t.ctx);
    expect(report.map((r) => r.applied)).toEqual([[expect.stringMatching(/:level:1$/), expect.stringMatching(/:level:2$/), expect.stringMatching(/:level:3$/)]]);
    expect(await sweepNow(t.ctx)).toEqual([]);
    expect(await escalated(filed.id)).toEqual([
      [1, '2026-02-13T15:59:59.999Z', '2026-03-13T02:00:00.000Z'],
      [2, '2026-02-25T15:59:59.999Z', '2026-03-13T02:00:00.000Z'],
      [3, '2026-03-03T15:59:59.999Z', '2026-03-13T02:00:00.000Z'],
    ]);
    // Reminders of a deadline long passed are not sent on catching up.
    expect((await kinds(filed.id)).filter((k) => k.includes('reminder'))).toEqual([]);
    expect(await SupervisionNotice.countDocuments({ caseId: filed.id })).toBe(1);
  });

  it('when two sweeps and two appliers run at once, then each level and each mail happens once', async () => {
    const filed = await urgentBeforeSpringFestival();
    at('2026-02-26T10:00:00');
    await Promise.all([sweep(t.ctx), sweep(t.ctx), applyDueSteps(t.ctx, filed.id), applyDueSteps(t.ctx, filed.id)]);
    await until(async () => {
      const w = await Watch.findById(filed.id).lean();
      return w && w.level === 2 && w.nextAt && w.nextAt > t.ctx.clock.now() ? w : null;
    });
    expect((await escalated(filed.id)).map(([level]) => level)).toEqual([1, 2]);
    expect(await SupervisionNotice.countDocuments()).toBe(1);
    await until(async () => (await Notification.countDocuments({ caseId: filed.id, kind: { $in: ['urged', 'supervised'] }, status: 'sent' })) === 2);
    expect((await kinds(filed.id)).filter((k) => k === 'urged' || k === 'supervised')).toEqual(['supervised', 'urged']);
    expect(t.smtp.mails.filter((m) => m.subject.includes('督办通知书'))).toHaveLength(1);
  });
});

describe('what moves or stops the ladder', () => {
  it('when the unit waits for the filer, then the clock pauses and the answer moves the deadline by the paused working days', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    at('2026-03-04T10:00:00');
    await unit.post(`/cases/${filed.id}/questions`, { text: '请说明具体窗口号。' }).expect(201);
    at('2026-03-17T10:00:00'); // past the deadline of 03-16, but the question is open
    expect(await sweepNow(t.ctx)).toEqual([]);
    expect((await Watch.findById(filed.id).lean())!.paused).toBe(true);
    // Answered on Tuesday 03-17: paused 03-05 .. 03-17 = 9 working days.
    await request(t.app).post('/api/v1/tracking/supplements').send({ code: filed.trackingCode, secret: filed.trackingSecret, text: '5号窗口' }).expect(201);
    const after = await unit.get(`/cases/${filed.id}`).expect(200);
    expect(after.body).toMatchObject({ deadline: { date: '2026-03-27' }, paused: 9, escalation: { level: 0 } });
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-28T00:00:01');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
  });

  it('when an extension is approved, then the whole ladder moves with the deadline', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await unit.post(`/cases/${filed.id}/extensions`, { workingDays: 5, reason: '需要协调' }).expect(201);
    await staff.post(`/cases/${filed.id}/extensions/1/decision`, { approve: true }).expect(200); // 03-16 -> 03-23
    at('2026-03-17T10:00:00');
    expect((await sweepNow(t.ctx)).flatMap((r) => r.applied).filter((k) => k.includes('level'))).toEqual([]);
    at('2026-03-24T10:00:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
  });

  it('when the unit reports, then the ladder stops; when the report is returned, it starts again from the new deadline', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    at('2026-03-17T10:00:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    expect(await Watch.findById(filed.id).lean()).toMatchObject({ gone: true, nextAt: null });
    at('2026-04-30T10:00:00');
    expect(await sweepNow(t.ctx)).toEqual([]);
    at('2026-03-18T10:00:00');
    const returned = await staff.post(`/cases/${filed.id}/reports/1/decision`, { accept: false, reasons: '不彻底', workingDays: 2 }).expect(200); // 03-20
    expect(returned.body.escalation.level).toBe(0);
    at('2026-03-21T10:00:00');
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/^\d+\.1\.0:level:1$/)]);
    await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
    await staff.post(`/cases/${filed.id}/reports/2/decision`, { accept: true }).expect(200);
    at('2026-06-01T10:00:00');
    expect(await sweepNow(t.ctx)).toEqual([]);
  });

  it('when the commission urges or supervises by hand, then it is recorded as manual with the same notice and mails', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01');
    const { browser } = await import('../../helpers/http');
    const { givenUser } = await import('../../helpers/builders');
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const csrf = await b.csrf(`/commission/cases/${filed.id}`);
    await b.agent.post(`/commission/cases/${filed.id}/supervise`).type('form').send({ _csrf: csrf }).expect(303);
    const c = await Case.findById(filed.id).lean();
    expect(c!.escalationEvents).toEqual([expect.objectContaining({ level: 2, manual: true })]);
    const notice = await SupervisionNotice.findOne({ caseId: filed.id }).lean();
    expect(notice).toMatchObject({ manual: true });
    const page = await b.agent.get(`/supervision-notices/${String(notice!._id)}`).expect(200);
    expect(page.text).toContain('督办通知书');
    expect(page.text).toContain('2026年3月16日');
    await until(async () => t.smtp.mails.find((m) => m.subject.includes('督办通知书')));
  });
});
