import request from 'supertest';
import type { Filed } from '../../../src/intake/filing.service';
import { Case } from '../../../src/cases/case.model';
import { metricsOfUnits } from '../../../src/rectification/metrics.service';
import { useTestApp } from '../../helpers/app';
import { unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, REPORT } from '../../helpers/cases';
import { until } from '../../helpers/wait';

// A hand-built month of handling by three units (18 cases), walked through the real API with a
// moving clock; every figure below was counted by hand from the story told case by case.

const t = useTestApp({ smtp: true, workers: 'once', seed: 'once' });
jest.setTimeout(180000);

/** 10:00 county time on a day of 2026. */
const day = (md: string) => t.ctx.clock.set(new Date(`2026-${md}T02:00:00Z`));

type Api = Awaited<ReturnType<typeof apiAs>>;
let A: Api, B: Api, C: Api, staff: Api;
const metrics: Record<string, Record<string, unknown>> = {};

async function file(unit: string, md: string): Promise<Filed> {
  day(md);
  return assignedCase(t.ctx, unit, `第${Math.random().toString(36).slice(2, 6)}号测试案件：窗口办事拖延，群众多次往返。`);
}
const ok = (res: { status: number; text: string }) => {
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res;
};
const sign = async (api: Api, f: Filed, md: string) => (day(md), ok(await api.post(`/cases/${f.id}/sign`)));
const contact = async (api: Api, f: Filed, md: string, means = 'phone') => (day(md), ok(await api.post(`/cases/${f.id}/contact`, { at: `2026-${md}T10:00`, means })));
const report = async (api: Api, f: Filed, md: string, outcome = 'resolved') => (day(md), ok(await api.post(`/cases/${f.id}/reports`, { ...REPORT, outcome })));
const accept = async (f: Filed, n: number, md: string) => (day(md), ok(await staff.post(`/cases/${f.id}/reports/${n}/decision`, { accept: true })));
const giveBack = async (f: Filed, n: number, md: string, workingDays: number) => (day(md), ok(await staff.post(`/cases/${f.id}/reports/${n}/decision`, { accept: false, reasons: '整改不到位', workingDays })));
const rate = async (f: Filed, rating: string) => ok(await request(t.app).post('/api/v1/tracking/rating').send({ code: f.trackingCode, secret: f.trackingSecret, rating }));

beforeAll(async () => {
  [A, B, C, staff] = [await apiAs(t.app, 'unit', 'WS01'), await apiAs(t.app, 'unit', 'WS02'), await apiAs(t.app, 'unit', 'LE01'), await apiAs(t.app, 'commission')];

  // Unit A (WS01): 8 cases received in March.
  const a1 = await file('WS01', '03-02');
  await sign(A, a1, '03-02');
  await contact(A, a1, '03-03');
  await report(A, a1, '03-05');
  await accept(a1, 1, '03-06');
  await rate(a1, 'satisfied');

  const a2 = await file('WS01', '03-02');
  await sign(A, a2, '03-04'); // late: due by the end of 03-03
  await report(A, a2, '03-10', 'explained');
  await accept(a2, 1, '03-11');
  await rate(a2, 'dissatisfied');
  ok(await staff.post(`/cases/${a2.id}/unreasonable`, { reason: '诉求超出法定职责范围' }));

  const a3 = await file('WS01', '03-02');
  await sign(A, a3, '03-02');
  await contact(A, a3, '03-02', 'visit');
  await report(A, a3, '03-05');
  await giveBack(a3, 1, '03-06', 3); // new deadline 03-11
  await report(A, a3, '03-09');
  await accept(a3, 2, '03-10');
  await rate(a3, 'basically_satisfied');

  const a4 = await file('WS01', '03-02');
  await sign(A, a4, '03-03');
  await report(A, a4, '03-17', 'partly');
  await accept(a4, 1, '03-18'); // after the deadline of 03-16
  ok(await staff.post(`/cases/${a4.id}/follow-up`, { result: 'not_reached' }));

  const a5 = await file('WS01', '03-02');
  await sign(A, a5, '03-02');
  day('03-09');
  ok(await A.post(`/cases/${a5.id}/extensions`, { workingDays: 5, reason: '需要协调多个部门' }));
  ok(await staff.post(`/cases/${a5.id}/extensions/1/decision`, { approve: true })); // 03-16 -> 03-23, never reported

  const a6 = await file('WS01', '03-02');
  ok(await A.post(`/cases/${a6.id}/send-back`, { reasons: '不属本单位职责', basis: '三定方案' }));
  day('03-03');
  ok(await staff.post(`/cases/${a6.id}/send-back/decision`, { insist: true })); // wrong send-back; sign again by 03-04
  await sign(A, a6, '03-04');
  await report(A, a6, '03-09');
  await accept(a6, 1, '03-10');
  await rate(a6, 'dissatisfied');

  const a7 = await file('WS01', '03-02');
  ok(await A.post(`/cases/${a7.id}/send-back`, { reasons: '属通信运营商职责', basis: '电信条例' }));
  day('03-03');
  const ws02 = await unitByCode('WS02');
  ok(await staff.post(`/cases/${a7.id}/send-back/decision`, { insist: false, unitId: String(ws02._id) })); // the send-back stood: B1
  await until(() => Case.findOne({ _id: a7.id, noticeId: { $ne: null }, noticePending: false }).lean());

  await file('WS01', '03-25'); // a8: never signed; deadline 04-09

  // Unit B (WS02): a7 re-routed to it, 4 more received in March, 1 received in February.
  const b1 = a7;
  await sign(B, b1, '03-03');
  await report(B, b1, '03-06');
  await accept(b1, 1, '03-09');
  await rate(b1, 'satisfied');

  const b2 = await file('WS02', '03-02');
  await sign(B, b2, '03-02');
  await contact(B, b2, '03-03', 'visit');
  await report(B, b2, '03-04');
  await accept(b2, 1, '03-05');
  await rate(b2, 'dissatisfied');
  day('03-06');
  ok(await staff.post(`/cases/${b2.id}/reopen`, { workingDays: 5, reason: '投诉人反映问题仍未解决' })); // deadline 03-13
  await report(B, b2, '03-10');
  await accept(b2, 2, '03-11');
  await rate(b2, 'satisfied');

  const b3 = await file('WS02', '03-02');
  await sign(B, b3, '03-03');
  day('03-04');
  ok(await B.post(`/cases/${b3.id}/questions`, { text: '请说明具体办事窗口。' }));
  ok(await request(t.app).post('/api/v1/tracking/supplements').send({ code: b3.trackingCode, secret: b3.trackingSecret, text: '二楼5号窗口' }));
  await contact(B, b3, '03-05', 'platform');
  await report(B, b3, '03-12'); // still with the commission at the end

  const b4 = await file('WS02', '03-02');
  await sign(B, b4, '03-02');
  day('03-05');
  ok(await B.post(`/cases/${b4.id}/extensions`, { workingDays: 5, reason: '需要时间' }));
  ok(await staff.post(`/cases/${b4.id}/extensions/1/decision`, { approve: false, reason: '时间充足' }));
  await report(B, b4, '03-20');
  await accept(b4, 1, '03-23'); // late: deadline 03-16
  await rate(b4, 'basically_satisfied');

  const b5 = await file('WS02', '02-27'); // received in February: deadline 03-13
  await sign(B, b5, '03-02');
  await report(B, b5, '03-05');
  await accept(b5, 1, '03-06');

  const b6 = await file('WS02', '03-02');
  await sign(B, b6, '03-02');
  await report(B, b6, '03-04');
  await giveBack(b6, 1, '03-05', 3); // deadline 03-10, never reported again

  // Unit C (LE01): 5 cases.
  for (const [n, rating] of [
    [1, 'satisfied'],
    [2, 'satisfied'],
    [3, null],
  ] as const) {
    const c = await file('LE01', '03-02');
    await sign(C, c, '03-02');
    await contact(C, c, '03-03');
    await report(C, c, `03-0${3 + n}`);
    await accept(c, 1, `03-0${4 + n}`);
    if (rating) await rate(c, rating);
  }
  await file('LE01', '03-02'); // c4: never signed
  const c5 = await file('LE01', '03-02');
  await sign(C, c5, '03-02');
  await report(C, c5, '03-06', 'explained');
  await accept(c5, 1, '03-09');
  await rate(c5, 'dissatisfied');

  day('04-10');
  for (const code of ['WS01', 'WS02', 'LE01']) {
    const unit = await unitByCode(code);
    metrics[code] = (await staff.get(`/units/${String(unit._id)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200)).body;
  }
});

const r = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator ? numerator / denominator : null });

it('when unit A signed late once, had a wrong and a standing send-back, a return, an extension and overdue cases, then its figures are the hand count', () => {
  expect(metrics.WS01).toMatchObject({
    received: 8, signed: 6, signedOnTime: 5, dueToSign: 7, sentBack: 2, sentBackWrongly: 1,
    reported: 6, reportedCases: 5, firstContact: 2, resolved: 5, resolvedOnTime: 4, actuallyResolved: 3,
    overdueNow: 2, overdueDueInPeriod: 1, returnedReports: 1, extensionsApproved: 1, reopened: 0, redone: 1,
    satisfaction: { satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, notRated: 0, notReached: 1, unreasonable: 1 },
    rates: { onTimeSigning: r(5, 7), firstContact: r(2, 5), onTimeResolution: r(4, 6), actualResolution: r(3, 5), satisfaction: r(2, 3), sendBack: r(1, 8), redo: r(1, 6) },
  });
});

it('when unit B got a re-routed case, a reopened one, a February case resolved in March and a returned one left overdue, then its figures are the hand count', () => {
  expect(metrics.WS02).toMatchObject({
    received: 5, signed: 5, signedOnTime: 5, dueToSign: 5, sentBack: 0, sentBackWrongly: 0,
    reported: 7, reportedCases: 6, firstContact: 2, resolved: 5, resolvedOnTime: 4, actuallyResolved: 5,
    overdueNow: 1, overdueDueInPeriod: 1, returnedReports: 1, extensionsApproved: 0, reopened: 1, redone: 2,
    satisfaction: { satisfied: 2, basicallySatisfied: 1, dissatisfied: 0, notRated: 1, notReached: 0, unreasonable: 0 },
    rates: { onTimeSigning: r(5, 5), firstContact: r(2, 6), onTimeResolution: r(4, 6), actualResolution: r(5, 5), satisfaction: r(3, 3), sendBack: r(0, 5), redo: r(2, 7) },
  });
});

it('when unit C left one notice unsigned, then its figures are the hand count', () => {
  expect(metrics.LE01).toMatchObject({
    received: 5, signed: 4, signedOnTime: 4, dueToSign: 5, sentBack: 0, sentBackWrongly: 0,
    reported: 4, reportedCases: 4, firstContact: 3, resolved: 4, resolvedOnTime: 4, actuallyResolved: 3,
    overdueNow: 1, overdueDueInPeriod: 1, returnedReports: 0, extensionsApproved: 0, reopened: 0, redone: 0,
    satisfaction: { satisfied: 2, basicallySatisfied: 0, dissatisfied: 1, notRated: 1, notReached: 0, unreasonable: 0 },
    rates: { onTimeSigning: r(4, 5), firstContact: r(3, 4), onTimeResolution: r(4, 5), actualResolution: r(3, 4), satisfaction: r(2, 3), sendBack: r(0, 5), redo: r(0, 4) },
  });
});

it('when the evaluation reads every unit in one pass over the cases, then each unit has the same figures as its own metrics', async () => {
  const ids = await Promise.all(['WS01', 'WS02', 'LE01'].map(async (code) => String((await unitByCode(code))._id)));
  const all = await metricsOfUnits(t.ctx, [...ids, String((await unitByCode('CM01'))._id)], { from: '2026-03-01', to: '2026-03-31' });
  ['WS01', 'WS02', 'LE01'].forEach((code, i) => {
    const { unit, period, ...figures } = metrics[code] as Record<string, unknown>;
    void unit;
    void period;
    expect(JSON.parse(JSON.stringify(all.get(ids[i]!)))).toEqual(figures);
  });
  // A unit with no case in the period: zero counts and no rate (not 0 %).
  expect([...all.values()][3]).toMatchObject({ received: 0, rates: { onTimeResolution: { value: null } } });
});

it('when a unit token asks for another unit’s metrics, then it is refused; for its own, it is answered', async () => {
  const ws01 = await unitByCode('WS01');
  const le01 = await unitByCode('LE01');
  await A.get(`/units/${String(le01._id)}/metrics`).expect(403);
  await A.get(`/units/${String(ws01._id)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200);
  await A.get(`/units/${String(ws01._id)}/metrics?from=2026-03-31&to=2026-03-01`).expect(400);
});
