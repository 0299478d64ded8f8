import request from 'supertest';
import ExcelJS from 'exceljs';
import { Case } from '../../../src/cases/case.model';
import { createCampaign, setDistribution } from '../../../src/campaigns/campaign.service';
import { sweepNow } from '../../../src/escalation/sweep.job';
import { fileComplaint, type Filed } from '../../../src/intake/filing.service';
import { Report } from '../../../src/reports/report.model';
import { useTestApp } from '../../helpers/app';
import { givenUser, PASSWORD } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT, watchCaughtUp } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';
import { jobFinished } from '../../helpers/jobs';
import { until } from '../../helpers/wait';

// A hand-counted March 2026 of five cases, walked through the real API with a moving clock:
//   c1 WS01 web: signed 03-02 (on time), reported 03-05, returned 03-06 (3 working days: 03-11),
//      reported 03-09, accepted 03-10 (on time), rated satisfied
//   c2 WS01 web: signed 03-04 (late: due by the end of 03-03), reported 03-10, accepted 03-11 (deadline 03-16), rated dissatisfied
//   c3 LE01 web: signed 03-02, extension of 5 working days approved 03-05 (03-16 -> 03-23),
//      reported 03-18, accepted 03-19 (on time), rated basically satisfied
//   c4 LE01 web: signed 03-03 (on time), never reported: deadline 03-16; the sweep of 03-27 takes
//      levels 1, 2 and 3 (listed for the typical-case notice)
//   c5 phone, by commission staff, no unit named: waits in triage (series "unassigned")
// One campaign ran 03-10..03-20 (10 letters handed out, none back); one in January is outside.
// The report is generated on 2026-04-01.

const t = useTestApp({ smtp: true, workers: 'once', seed: 'once' });
jest.setTimeout(180000);

const day = (md: string) => t.ctx.clock.set(new Date(`2026-${md}T02:00:00Z`));
type Api = Awaited<ReturnType<typeof apiAs>>;
const ok = (res: { status: number; text: string }) => {
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res;
};
const OTHER_FILER = { name: '钱学森林', phone: '13800001111', email: 'qian.xuesen@example.cn' };

let reportId = '';
let commission: ReturnType<typeof browser>;

async function file(unit: string, md: string): Promise<Filed> {
  day(md);
  return assignedCase(t.ctx, unit, `第${Math.random().toString(36).slice(2, 6)}号测试案件：窗口办事拖延，群众多次往返。`);
}

beforeAll(async () => {
  const [A, L, staff]: Api[] = [await apiAs(t.app, 'unit', 'WS01'), await apiAs(t.app, 'unit', 'LE01'), await apiAs(t.app, 'commission')];
  const rate = async (f: Filed, rating: string) => ok(await request(t.app).post('/api/v1/tracking/rating').send({ code: f.trackingCode, secret: f.trackingSecret, rating }));

  const c1 = await file('WS01', '03-02');
  ok(await A.post(`/cases/${c1.id}/sign`));
  day('03-05');
  ok(await A.post(`/cases/${c1.id}/reports`, REPORT));
  day('03-06');
  ok(await staff.post(`/cases/${c1.id}/reports/1/decision`, { accept: false, reasons: '整改不到位', workingDays: 3 }));
  day('03-09');
  ok(await A.post(`/cases/${c1.id}/reports`, REPORT));
  day('03-10');
  ok(await staff.post(`/cases/${c1.id}/reports/2/decision`, { accept: true }));
  await rate(c1, 'satisfied');

  const c2 = await file('WS01', '03-02');
  day('03-04');
  ok(await A.post(`/cases/${c2.id}/sign`));
  day('03-10');
  ok(await A.post(`/cases/${c2.id}/reports`, REPORT));
  day('03-11');
  ok(await staff.post(`/cases/${c2.id}/reports/1/decision`, { accept: true }));
  await rate(c2, 'dissatisfied');

  const c3 = await file('LE01', '03-02');
  ok(await L.post(`/cases/${c3.id}/sign`));
  day('03-05');
  ok(await L.post(`/cases/${c3.id}/extensions`, { workingDays: 5, reason: '需要协调多个部门' }));
  ok(await staff.post(`/cases/${c3.id}/extensions/1/decision`, { approve: true }));
  day('03-18');
  ok(await L.post(`/cases/${c3.id}/reports`, REPORT));
  day('03-19');
  ok(await staff.post(`/cases/${c3.id}/reports/1/decision`, { accept: true }));
  await rate(c3, 'basically_satisfied');

  const c4 = await file('LE01', '03-02');
  day('03-03');
  ok(await L.post(`/cases/${c4.id}/sign`));
  await watchCaughtUp(c4.id);
  t.ctx.clock.set(new Date('2026-03-27T02:00:00Z'));
  await sweepNow(t.ctx);
  await until(() => Case.findOne({ _id: c4.id, typicalListedAt: { $ne: null } }).lean());

  day('03-12');
  const c5 = await fileComplaint(t.ctx, { categoryCode: 'other', description: '来电反映：希望了解办事指南的更新时间。', ...OTHER_FILER }, { channel: 'phone', userId: staff.user._id });
  await until(() => Case.findOne({ _id: c5.id, routedAt: { $ne: null } }).lean());

  const supervisor = await givenUser('supervisor');
  const march = await createCampaign(t.ctx, { title: '三月征求意见函', year: 2026, startDate: '2026-03-10', endDate: '2026-03-20' }, staff.user._id);
  await setDistribution(t.ctx, march, String(supervisor._id), 10);
  await createCampaign(t.ctx, { title: '一月征求意见函', year: 2026, startDate: '2026-01-05', endDate: '2026-01-20' }, staff.user._id);

  day('04-01');
  await givenUser('commission', { username: 'reporter' });
  commission = browser(t.app);
  await commission.login('reporter', PASSWORD);
  const page = await commission.agent.get('/commission/reports').expect(200);
  const res = await commission.agent.post('/commission/reports').type('form').send({ _csrf: formTokens(page.text).csrf, kind: 'month', year: '2026', month: '3', quarter: '' });
  expect(res.status).toBe(303);
  reportId = /\/commission\/reports\/([a-f0-9]{24})$/.exec(res.headers.location!)![1]!;
  expect((await jobFinished(t.ctx, 'reports', `report-${reportId}`)).state).toBe('completed');
});

/** The numbers a page shows, by the data attributes the view puts on each figure. */
function figure(html: string, attr: string): number {
  const m = new RegExp(`${attr}[^>]*data-value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no figure ${attr}`);
  return Number(m[1]);
}
function unitCell(html: string, code: string, col: string): string {
  const row = new RegExp(`<tr data-unit="${code}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (!row) throw new Error(`no row for ${code}`);
  return new RegExp(`data-col="${col}" data-value="([^"]*)"`).exec(row)![1]!;
}

describe('a monthly report', () => {
  it('when the job has run, then the status endpoint says done at 100 %', async () => {
    const res = await commission.agent.get(`/commission/reports/${reportId}/status.json`).expect(200);
    expect(res.body).toEqual({ status: 'done', progress: 100 });
  });

  it('then the page shows every hand-counted figure', async () => {
    const html = (await commission.agent.get(`/commission/reports/${reportId}`).expect(200)).text;
    expect(figure(html, 'data-figure="submitted"')).toBe(5);
    expect(figure(html, 'data-figure="received"')).toBe(4);
    expect(figure(html, 'data-figure="resolved"')).toBe(3);
    expect(figure(html, 'data-figure="resolvedOnTime"')).toBe(3);
    expect(figure(html, 'data-figure="overdueDueInPeriod"')).toBe(1);
    expect(figure(html, 'data-figure="overdueNow"')).toBe(1);
    expect(figure(html, 'data-figure="level1"')).toBe(1);
    expect(figure(html, 'data-figure="level2"')).toBe(1);
    expect(figure(html, 'data-figure="level3"')).toBe(1);
    expect(figure(html, 'data-figure="extensions"')).toBe(1);
    expect(figure(html, 'data-figure="returns"')).toBe(1);
    expect(figure(html, 'data-channel="web"')).toBe(4);
    expect(figure(html, 'data-channel="phone"')).toBe(1);
    expect(figure(html, 'data-channel="visit"')).toBe(0);
    expect(figure(html, 'data-category="efficiency"')).toBe(4);
    expect(figure(html, 'data-category="other"')).toBe(1);
    const series = (s: string, col: string) => Number(new RegExp(`<tr data-series="${s}">[\\s\\S]*?data-value="(\\d+)" data-col="${col}"`).exec(html)![1]);
    expect([series('window_service', 'cases'), series('law_enforcement', 'cases'), series('comprehensive_management', 'cases'), series('unassigned', 'cases')]).toEqual([2, 2, 0, 1]);
    expect([series('window_service', 'received'), series('law_enforcement', 'received'), series('comprehensive_management', 'received')]).toEqual([2, 2, 0]);

    // WS01: signed on time 1 of 2; resolved on time 2 of 2; satisfied 1 of 2 rated.
    expect(['received', 'resolved', 'responseRate', 'resolutionRate', 'satisfactionRate', 'overdueDueInPeriod', 'level3', 'extensions', 'returns'].map((c) => unitCell(html, 'WS01', c))).toEqual(['2', '2', '0.5', '1', '0.5', '0', '0', '0', '1']);
    // LE01: signed on time 2 of 2; on time 1 of (1 accepted + 1 came due unresolved); 1 of 1 rated.
    expect(['received', 'resolved', 'responseRate', 'resolutionRate', 'satisfactionRate', 'overdueDueInPeriod', 'level1', 'level2', 'level3', 'extensions', 'returns'].map((c) => unitCell(html, 'LE01', c))).toEqual(['2', '1', '1', '0.5', '1', '1', '1', '1', '1', '1', '0']);
    // A unit with nothing due has no rate (shown as —), never 0 % or 100 %.
    expect(unitCell(html, 'CM01', 'responseRate')).toBe('');
    expect(html).toContain('50%');

    expect(figure(html, 'data-campaign="三月征求意见函"><td>[^<]*</td><td data-col="distributed"')).toBe(10);
    expect(html).not.toContain('一月征求意见函');
  });

  it('then the XLSX has one plainly named sheet per section, with dates as dates and counts as numbers', async () => {
    const res = await commission.agent.get(`/commission/reports/${reportId}/report.xlsx`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Channels', 'Categories', 'Series', 'Units', 'Campaigns', 'Evaluation']);
    const summary = wb.getWorksheet('Summary')!;
    const from = summary.getRow(2).getCell(3).value;
    expect(from).toBeInstanceOf(Date);
    expect((from as Date).toISOString().slice(0, 10)).toBe('2026-03-01');
    expect((summary.getRow(3).getCell(3).value as Date).toISOString().slice(0, 10)).toBe('2026-03-31');
    const byLabel = (label: string) => {
      let v: unknown;
      summary.eachRow((row) => {
        if (String(row.getCell(1).value).includes(label)) v = row.getCell(2).value;
      });
      return v;
    };
    expect([byLabel('Cases submitted'), byLabel('Assignments received'), byLabel('Resolved on time'), byLabel('Level 3'), byLabel('Extensions approved'), byLabel('Reports returned')]).toEqual([5, 4, 3, 1, 1, 1]);

    const units = wb.getWorksheet('Units')!;
    let ws01: unknown[] = [];
    units.eachRow((row) => {
      if (row.getCell(1).value === 'WS01') ws01 = (row.values as unknown[]).slice(1);
    });
    expect(ws01.slice(3, 9)).toEqual([2, 2, 2, 0.5, 1, 0.5]);
    expect(units.getColumn(7).numFmt).toBe('0.0%');
    const channels = wb.getWorksheet('Channels')!;
    const web = channels.getRows(2, channels.rowCount - 1)!.find((r) => r.getCell(1).value === 'web')!;
    expect(web.getCell(2).value).toBe(4);
    const campaigns = wb.getWorksheet('Campaigns')!;
    expect(campaigns.rowCount).toBe(2);
    expect(campaigns.getRow(2).getCell(2).value).toBeInstanceOf(Date);
    expect(campaigns.getRow(2).getCell(4).value).toBe(10);
  });

  it('then the CSV of a section has the same numbers', async () => {
    const csv = (await commission.agent.get(`/commission/reports/${reportId}/units.csv`).expect(200)).text;
    const ws01 = csv.split('\r\n').find((l) => l.startsWith('WS01,'))!;
    expect(ws01.split(',').slice(3, 9)).toEqual(['2', '2', '2', '0.5', '1', '0.5']);
  });

  it('then no page, print page or file holds a filer\'s name, phone or email', async () => {
    const texts = [
      (await commission.agent.get(`/commission/reports/${reportId}`).expect(200)).text,
      (await commission.agent.get(`/commission/reports/${reportId}/print`).expect(200)).text,
      ...(await Promise.all(['summary', 'channels', 'categories', 'series', 'units', 'campaigns', 'evaluation'].map(async (s) => (await commission.agent.get(`/commission/reports/${reportId}/${s}.csv`).expect(200)).text))),
    ];
    const stored = await Report.findById(reportId).lean();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from((stored!.xlsx as unknown as { buffer: Uint8Array }).buffer) as never);
    wb.eachSheet((ws) => ws.eachRow((row) => texts.push(JSON.stringify(row.values))));
    texts.push(JSON.stringify(stored!.figures));
    for (const text of texts) for (const mark of [FILER.name, FILER.phone, FILER.email, OTHER_FILER.name, OTHER_FILER.phone, OTHER_FILER.email]) expect(text).not.toContain(mark);
  });

  it('when a month is missing from a monthly request, then 400 names the field and nothing is queued', async () => {
    const before = await Report.countDocuments();
    const page = await commission.agent.get('/commission/reports').expect(200);
    const res = await commission.agent.post('/commission/reports').type('form').send({ _csrf: formTokens(page.text).csrf, kind: 'month', year: '2026', month: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="month-error"');
    expect(await Report.countDocuments()).toBe(before);
  });

  it('when unit staff or a supervisor ask for reports, then 403', async () => {
    for (const role of ['unit', 'supervisor'] as const) {
      const user = await givenUser(role, { unitCode: role === 'unit' ? 'WS01' : undefined });
      const b = browser(t.app);
      await b.login(user.username, PASSWORD);
      for (const path of ['/commission/reports', `/commission/reports/${reportId}`, `/commission/reports/${reportId}/report.xlsx`, `/commission/reports/${reportId}/units.csv`, `/commission/reports/${reportId}/status.json`]) {
        expect([role, path, (await b.agent.get(path)).status]).toEqual([role, path, 403]);
      }
    }
  });
});
