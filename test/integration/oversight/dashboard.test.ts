import request from 'supertest';
import type { Filed } from '../../../src/intake/filing.service';
import { Case } from '../../../src/cases/case.model';
import { fileComplaint } from '../../../src/intake/filing.service';
import { sweepNow } from '../../../src/escalation/sweep.job';
import { Notification } from '../../../src/platform/mail/notification.model';
import { rebuildCounters } from '../../../src/oversight/counters.service';
import { COUNT_MODELS, RankingNotice } from '../../../src/oversight/oversight.models';
import { Unit } from '../../../src/units/unit.model';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';
import { until } from '../../helpers/wait';

// A hand-built March 2026 in the window-service series, walked through the real API with a moving
// clock. Every figure asserted below was counted by hand from the story told case by case.
// RANKING_MIN_CASES is 3 here so the story stays short: WS01 and WS02 have 4 cases, WS03 has 1.

const t = useTestApp({ smtp: true, workers: 'once', seed: 'once', config: { RANKING_MIN_CASES: '3' } });
jest.setTimeout(480000);

const day = (md: string, hm = '10:00') => t.ctx.clock.set(new Date(`2026-${md}T${hm}:00+08:00`));

type Api = Awaited<ReturnType<typeof apiAs>>;
let A: Api, B: Api, C: Api, staff: Api;
const ok = (res: { status: number; text: string }) => {
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res;
};
async function file(unit: string, md: string): Promise<Filed> {
  day(md);
  return assignedCase(t.ctx, unit, `第${Math.random().toString(36).slice(2, 6)}号测试案件：窗口办事拖延，群众多次往返。`);
}
const sign = async (api: Api, f: Filed, md: string) => (day(md), ok(await api.post(`/cases/${f.id}/sign`)));
const report = async (api: Api, f: Filed, md: string) => (day(md), ok(await api.post(`/cases/${f.id}/reports`, REPORT)));
const accept = async (f: Filed, md: string) => (day(md), ok(await staff.post(`/cases/${f.id}/reports/1/decision`, { accept: true })));
const rate = async (f: Filed, rating: string) => ok(await request(t.app).post('/api/v1/tracking/rating').send({ code: f.trackingCode, secret: f.trackingSecret, rating }));
async function done(api: Api, f: Filed, signOn: string, reportOn: string, acceptOn: string, rating: string) {
  await sign(api, f, signOn);
  await report(api, f, reportOn);
  await accept(f, acceptOn);
  await rate(f, rating);
}

/** The lifecycle listeners (counters) have run for every change: no case is marked stale. */
const settled = () => until(async () => ((await Case.countDocuments({ derivedStaleAt: { $ne: null } })) === 0 ? true : null));

let page: (path: string) => Promise<string>;
const figure = (html: string, id: string) => {
  const m = new RegExp(`data-figure="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" href="([^"]+)">([^<]+)<`).exec(html);
  if (!m) throw new Error(`no figure ${id}`);
  return { href: m[1]!.replace(/&amp;/g, '&'), value: Number(m[2]!.replace(/[^\d]/g, '')) };
};
const rows = (html: string) => (html.match(/<tr data-case=/g) ?? []).length;

let ws: Record<string, string>;

beforeAll(async () => {
  [A, B, C, staff] = [await apiAs(t.app, 'unit', 'WS01'), await apiAs(t.app, 'unit', 'WS02'), await apiAs(t.app, 'unit', 'WS03'), await apiAs(t.app, 'commission')];
  ws = Object.fromEntries((await Unit.find({ code: { $in: ['WS01', 'WS02', 'WS03', 'WS04'] } }).lean()).map((u) => [u.code, String(u._id)]));

  // o1 (WS04), filed Tuesday 02-24: deadline 03-10, never signed; overdue level 1 from 03-11.
  await file('WS04', '02-24');

  // WS01: three resolved on time (signed the day they came), rated 满意, 满意, 不满意; d1 in hand, due 03-16.
  const a = [await file('WS01', '03-02'), await file('WS01', '03-02'), await file('WS01', '03-02')];
  await done(A, a[0]!, '03-02', '03-03', '03-04', 'satisfied');
  await done(A, a[1]!, '03-02', '03-05', '03-06', 'satisfied');
  await done(A, a[2]!, '03-02', '03-05', '03-06', 'dissatisfied');
  const d1 = await file('WS01', '03-02');
  await sign(A, d1, '03-02');

  // WS02: two signed late (signing due 03-03), one on time; all accepted on time, rated 满意, 满意, 基本满意.
  const b = [await file('WS02', '03-02'), await file('WS02', '03-02'), await file('WS02', '03-02')];
  await done(B, b[0]!, '03-04', '03-05', '03-06', 'satisfied');
  await done(B, b[1]!, '03-04', '03-05', '03-06', 'satisfied');
  await done(B, b[2]!, '03-02', '03-05', '03-06', 'basically_satisfied');

  // WS03: one case, perfect on every rate.
  const c1 = await file('WS03', '03-02');
  await done(C, c1, '03-02', '03-03', '03-04', 'satisfied');

  // Today, Thursday 03-12: n1 to WS02, and t1 naming no unit (waits in triage).
  await file('WS02', '03-12');
  const t1 = await fileComplaint(t.ctx, { categoryCode: 'efficiency', description: '反映某窗口服务态度差，未说明具体单位。', ...FILER }, { channel: 'web' });
  await until(() => Case.findOne({ _id: t1.id, status: 'triaged' }).lean());
  day('03-12', '10:30');
  await sweepNow(t.ctx); // o1 reaches level 1
  await settled();

  const commission = await givenUser('commission', { username: 'dash-commission' });
  const b2 = browser(t.app);
  await b2.login(commission.username);
  page = async (path) => (await b2.agent.get(path).expect(200)).text;
});

describe('the dashboard', () => {
  it('when the commission logs in, then it lands on the dashboard', async () => {
    const user = await givenUser('commission');
    const res = await browser(t.app).login(user.username);
    expect(res.headers.location).toBe('/commission');
  });

  it('when opened on 03-12, then today’s picture equals the hand count and each number leads to a list of that many cases', async () => {
    const html = await page('/commission?period=month&bucket=week');
    const expected: Record<string, number> = { newToday: 2, untriaged: 1, open: 4, dueSoon: 1, overdue1: 1, overdue2: 0, overdue3: 0, resolvedThisMonth: 7 };
    for (const [id, value] of Object.entries(expected)) expect([id, figure(html, id).value]).toEqual([id, value]);
    // Each list shows exactly as many cases as its number.
    const newToday = await page(figure(html, 'newToday').href);
    expect(rows(newToday)).toBe(2);
    expect(rows(await page(figure(html, 'open').href))).toBe(4);
    expect(rows(await page(figure(html, 'resolvedThisMonth').href))).toBe(7);
    expect((await page(figure(html, 'dueSoon').href)).match(/<tr data-case=/g)).toHaveLength(1);
    const level1 = await page(figure(html, 'overdue1').href);
    expect(level1.match(/<tr data-case="[^"]+" data-level="1"/g)).toHaveLength(1);
    expect((await page(figure(html, 'untriaged').href)).match(/data-case=/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('when asked for March by week, then intake by channel, unit and category equals the hand count', async () => {
    const html = await page('/commission?period=month&bucket=week');
    // Buckets: 03-01 (Sunday), 03-02..03-08, 03-09..03-12.
    expect([0, 1, 2, 'total'].map((i) => figure(html, `channel:web:${i}`).value)).toEqual([0, 8, 2, 10]);
    expect(figure(html, 'channel:phone:total').value).toBe(0);
    expect([0, 1, 2, 'total'].map((i) => figure(html, `unit:${ws.WS01}:${i}`).value)).toEqual([0, 4, 0, 4]);
    expect([0, 1, 2, 'total'].map((i) => figure(html, `unit:${ws.WS02}:${i}`).value)).toEqual([0, 3, 1, 4]);
    expect(figure(html, `unit:${ws.WS03}:total`).value).toBe(1);
    expect(figure(html, `unit:${ws.WS04}:total`).value).toBe(0); // filed in February
    expect(figure(html, 'category:efficiency:total').value).toBe(10);
    expect(rows(await page(figure(html, 'channel:web:1').href))).toBe(8);
    expect(rows(await page(figure(html, `unit:${ws.WS02}:total`).href))).toBe(4);
  });

  it('when asked for this week, or for the year by week, then the week figures equal the hand count', async () => {
    // This week (03-09..03-12): n1 to WS02 and t1 in triage, both on the web.
    const week = await page('/commission?period=week');
    expect(['channel:web:total', `unit:${ws.WS02}:total`, `unit:${ws.WS01}:total`].map((id) => figure(week, id).value)).toEqual([2, 1, 0]);
    // The year by week: 01-01..01-04 first, then Mondays; o1 (02-24) in the week of 02-23 (the ninth bucket).
    const year = await page('/commission?period=year&bucket=week');
    expect(figure(year, 'channel:web:total').value).toBe(11);
    expect([7, 8, 9].map((i) => figure(year, `unit:${ws.WS04}:${i}`).value)).toEqual([0, 1, 0]);
    expect([9, 10, 'total'].map((i) => figure(year, `unit:${ws.WS01}:${i}`).value)).toEqual([4, 0, 4]);
    expect(rows(await page(figure(year, `unit:${ws.WS04}:8`).href))).toBe(1);
    // With the series filter the breakdown by channel comes from the units' own documents: t1 has no unit.
    const seriesWeek = await page('/commission?period=week&series=window_service');
    expect(figure(seriesWeek, 'channel:web:total').value).toBe(1);
  });

  it('when filtered to the window-service series, then the figures count that series’ units only', async () => {
    const html = await page('/commission?period=month&series=window_service');
    expect(figure(html, 'newToday').value).toBe(1); // n1; t1 has no unit yet
    expect(figure(html, 'open').value).toBe(3); // o1, d1, n1
    expect(figure(html, 'resolvedThisMonth').value).toBe(7);
    expect(rows(await page(figure(html, 'open').href))).toBe(3);
    const other = await page('/commission?period=month&series=law_enforcement');
    expect(['newToday', 'open', 'dueSoon', 'overdue1', 'resolvedThisMonth'].map((id) => figure(other, id).value)).toEqual([0, 0, 0, 0, 0]);
  });

  it('when the counters are rebuilt from the cases, then every counter document (days, weeks, months, the units’ breakdowns, now) stays the same', async () => {
    const all = async () => (await Promise.all(COUNT_MODELS.map((M) => M.find().sort({ _id: 1 }).lean()))).flat();
    const before = await all();
    await rebuildCounters(t.ctx);
    const after = await all();
    // Every counter by its path, zeros left out (a counter back at 0 stays as 0 until a rebuild).
    const flat = (docs: Record<string, unknown>[]) => {
      const out: Record<string, number> = {};
      const walk = (prefix: string, node: unknown) => {
        if (typeof node === 'number') {
          if (node !== 0) out[prefix] = node;
        } else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(prefix ? `${prefix}.${k}` : k, v);
      };
      for (const d of docs) walk(String(d._id), { ...d, _id: undefined });
      return out;
    };
    expect(flat(after as never)).toEqual(flat(before as never));
    expect(Object.keys(flat(before as never)).length).toBeGreaterThan(40);
    // Each kind of document is there (a rebuild that lost one would compare equal on nothing).
    const kinds = new Set(Object.keys(flat(before as never)).map((k) => k.slice(0, k.indexOf(':') + 1) || k.split('.')[0]));
    expect([...kinds].sort()).toEqual(['d:', 'm:', 'now', 'ud:', 'um:', 'uw:', 'w:']);
  });

  it('when a unit or a supervisor asks for the dashboard, then 403', async () => {
    for (const role of ['unit', 'supervisor'] as const) {
      const u = await givenUser(role, { unitCode: role === 'unit' ? 'WS01' : undefined });
      const b = browser(t.app);
      await b.login(u.username);
      await b.agent.get('/commission').expect(403);
    }
  });

  it('when a period is unknown, then 400 naming the field', async () => {
    const commission = await givenUser('commission');
    const b = browser(t.app);
    await b.login(commission.username);
    const res = await b.agent.get('/commission?period=decade').expect(400);
    expect(res.text).toContain('<code>period</code>');
    const list = await b.agent.get('/commission/cases?from=2026-02-30').expect(400);
    expect(list.text).toContain('<code>from</code>');
  });
});

describe('the monthly ranking', () => {
  const wsSeries = async (api: Api, month = '2026-03') => {
    const res = await api.get(`/rankings/monthly?month=${month}`);
    ok(res);
    return res.body as { series: { code: string; ranking: Record<string, unknown>[] }[] };
  };

  it('when March is asked on 03-12, then the window-service ranking equals the hand count and one case ranks neither first nor last', async () => {
    const body = await wsSeries(staff);
    expect(body.series.map((s) => s.code)).toEqual(['law_enforcement', 'comprehensive_management', 'window_service']);
    const ranking = body.series[2]!.ranking;
    // WS01: 4 received, 4/4 signed on time, 3/3 on time, 2/3 satisfied → mean 0.889 → 1st.
    expect(ranking[0]).toEqual({ unitId: ws.WS01, unitCode: 'WS01', rank: 1, cases: 4, responseRate: 1, resolutionRate: 1, satisfactionRate: 2 / 3, tooFewCases: false });
    // WS02: 4 received (n1's signing not due yet), 1/3 on time, 3/3, 3/3 → mean 0.778 → 2nd, last.
    expect(ranking[1]).toEqual({ unitId: ws.WS02, unitCode: 'WS02', rank: 2, cases: 4, responseRate: 1 / 3, resolutionRate: 1, satisfactionRate: 1, tooFewCases: false });
    // WS03: one perfect case, not ranked.
    const c = ranking.find((r) => r.unitCode === 'WS03');
    expect(c).toEqual({ unitId: ws.WS03, unitCode: 'WS03', rank: null, cases: 1, responseRate: 1, resolutionRate: 1, satisfactionRate: 1, tooFewCases: true });
    expect(ranking.filter((r) => r.rank !== null)).toHaveLength(2);
    expect(ranking.slice(2).every((r) => r.tooFewCases === true && r.rank === null)).toBe(true);
    expect(Object.keys(ranking[0]!).sort()).toEqual(['cases', 'rank', 'resolutionRate', 'responseRate', 'satisfactionRate', 'tooFewCases', 'unitCode', 'unitId']);
    expect(Object.keys(body)).toEqual(['series']);
  });

  it('when a unit or supervisor token asks, or the month is wrong, then 403 or 400', async () => {
    await A.get('/rankings/monthly?month=2026-03').expect(403);
    const sup = await apiAs(t.app, 'supervisor');
    await sup.get('/rankings/monthly?month=2026-03').expect(403);
    const bad = await staff.get('/rankings/monthly?month=2026-13').expect(400);
    expect(bad.body.fields).toEqual({ month: 'invalid_month' });
    await request(t.app).get('/api/v1/rankings/monthly?month=2026-03').expect(401);
  });

  it('when the dashboard shows the rates, then they are the ranking’s', async () => {
    const html = await page('/commission?period=month&series=window_service');
    expect(html).toMatch(/<tr data-unit="WS01" data-rank="1"/);
    expect(html).toMatch(/<tr data-unit="WS02" data-rank="2"/);
    expect(html).toMatch(/<tr data-unit="WS03" data-rank="" class="muted"/);
  });

  it('when March is published twice in April, then one numbered notice and one mail per unit; units see it and their history', async () => {
    day('04-20');
    const units = await Unit.countDocuments({ active: true });
    const html = await page('/commission/rankings?month=2026-03');
    const { csrf } = formTokens(html);
    const commission = await givenUser('commission');
    const b = browser(t.app);
    await b.login(commission.username);
    const token = formTokens((await b.agent.get('/commission/rankings?month=2026-03').expect(200)).text).csrf;
    const [first, second] = await Promise.all([
      b.agent.post('/commission/rankings/publish').type('form').send({ _csrf: token, month: '2026-03' }),
      b.agent.post('/commission/rankings/publish').type('form').send({ _csrf: token, month: '2026-03' }),
    ]);
    void csrf;
    expect(first.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await RankingNotice.countDocuments()).toBe(1);
    const notice = (await RankingNotice.findOne().lean())!;
    expect([notice.year, notice.seq, notice.month]).toEqual([2026, 1, '2026-03']);
    expect(await Notification.countDocuments({ kind: 'ranking-published' })).toBe(units);
    expect(new Set((await Notification.find({ kind: 'ranking-published' }).lean()).map((n) => String(n.unitId))).size).toBe(units);
    // A repeat later still adds nothing.
    await b.agent.post('/commission/rankings/publish').type('form').send({ _csrf: token, month: '2026-03' }).expect(303);
    expect(await RankingNotice.countDocuments()).toBe(1);
    expect(await Notification.countDocuments({ kind: 'ranking-published' })).toBe(units);
    // The mail to WS01 names its place.
    const mail = await until(async () => t.smtp.mails.find((m) => m.subject.includes('排第1号') && m.text.includes('排名第 1 位')) ?? null);
    expect(mail.text).toContain(`/rankings/${String(notice._id)}`);

    // The unit sees the published notice and its own history, not the live ranking.
    const unitUser = await givenUser('unit', { unitCode: 'WS02' });
    const u = browser(t.app);
    await u.login(unitUser.username);
    const print = (await u.agent.get(first.headers.location!).expect(200)).text;
    expect(print).toContain('〔2026〕排第1号');
    const own = (await u.agent.get('/unit/rankings').expect(200)).text;
    expect(own).toMatch(/<tr data-unit="WS02"><th scope="row">[^<]+<\/th><td>2<\/td><\/tr>/);
    expect(own).not.toContain('data-unit="WS01"');
    await u.agent.get('/commission/rankings?month=2026-03').expect(403);
  });

  it('when the current month is published, then 400 naming the month and nothing is created', async () => {
    day('04-21');
    const commission = await givenUser('commission');
    const b = browser(t.app);
    await b.login(commission.username);
    const token = formTokens((await b.agent.get('/commission/rankings?month=2026-04').expect(200)).text).csrf;
    await b.agent.post('/commission/rankings/publish').type('form').send({ _csrf: token, month: '2026-04' }).expect(400);
    expect(await RankingNotice.countDocuments({ month: '2026-04' })).toBe(0);
    // Nor a month long gone (outside attack: 1999-01 took the year's first number and mailed 70 units).
    for (const old of ['1999-01', '2025-03']) await b.agent.post('/commission/rankings/publish').type('form').send({ _csrf: token, month: old }).expect(400);
    expect(await RankingNotice.countDocuments({ month: { $in: ['1999-01', '2025-03'] } })).toBe(0);
  });
});
