import mongoose from 'mongoose';
import request from 'supertest';
import { Case } from '../../../src/cases/case.model';
import { fileComplaint, type Filed } from '../../../src/intake/filing.service';
import { MASK } from '../../../src/transparency/mask';
import { OPEN_DATA_COLUMNS } from '../../../src/transparency/open-data';
import { refreshSnapshot } from '../../../src/transparency/refresh.service';
import { TransparencySnapshot } from '../../../src/transparency/snapshot.model';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';
import { jobFinished } from '../../helpers/jobs';
import { until } from '../../helpers/wait';

// A hand-built quarter: five cases with three units in March 2026, one waiting in triage, one
// filed in December 2025; every figure on the page, in the CSV and in the JSON below was counted
// by hand from this story. "Now" is 2026-03-20, 10:00 county time.
//
// WS01 (window service): a1 signed 03-02, reported 03-05, accepted 03-06 (deadline 03-16), rated 满意;
//   a2 signed 03-04 (late: due by 03-03), accepted 03-11, rated 不满意; a3 signed 03-02, never reported
//   (deadline 03-16 passed: overdue now).
//   received 3, resolved 2 (both on time), overdue 1; response 2/3, on-time resolution 2/(2+1), satisfaction 1/2.
// WS02 (window service): b1 filed 03-03, signed 03-03, accepted 03-09, not rated.
//   received 1, resolved 1 on time; response 1/1, on-time 1/1, satisfaction — (0/0).
// LE01 (law enforcement): c1 filed 03-02, never signed (due 03-03), deadline 03-16 passed.
//   received 1, overdue 1; response 0/1, on-time 0/1, satisfaction —.
// Window-service series: received 4, resolved 3, on time 3; response 3/4, on-time 3/4, satisfaction 1/2.
// 2026 totals: filed 6 (a1 a2 a3 b1 c1 t1), open 3 (a3 c1 t1), resolved 3, rejected 0.

const t = useTestApp({ smtp: true, workers: 'once', seed: 'once' });
jest.setTimeout(180000);

const day = (date: string) => t.ctx.clock.set(new Date(`${date}T02:00:00Z`));
const ok = (res: { status: number; text: string }) => {
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res;
};

type Api = Awaited<ReturnType<typeof apiAs>>;
let WS01: Api, WS02: Api, staff: Api;
const cases: Record<string, Filed> = {};
const number = async (f: Filed) => (await Case.findById(f.id, { number: 1 }).lean())!.number;

// The filer's texts: a1 names the filer and a third party's phone and will be published; a2 is
// never published (its marker must appear nowhere); a1's reply repeats the filer's name and phone.
const A1_TEXT = `县政务大厅窗口推诿，我（${FILER.name}）多次往返。同事李某电话13800001111可作证，邮箱 li.mou@example.cn。`;
const A1_MASKED = `县政务大厅窗口推诿，我（${MASK}）多次往返。同事李某电话${MASK}可作证，邮箱 ${MASK}。`;
const A1_REPLY = `已联系${FILER.name}（${FILER.phone}）说明情况，窗口人员已整改。`;
const A2_SECRET = 'A2未公开内容：窗口人员周末私下收费。';
const PLACE = '城关镇解放路12号3单元';

async function file(unit: string, date: string, description: string): Promise<Filed> {
  day(date);
  return assignedCase(t.ctx, unit, description);
}
const sign = async (api: Api, f: Filed, date: string) => (day(date), ok(await api.post(`/cases/${f.id}/sign`)));
const report = async (api: Api, f: Filed, date: string, reply = REPORT.reply) => (day(date), ok(await api.post(`/cases/${f.id}/reports`, { ...REPORT, reply })));
const accept = async (f: Filed, date: string) => (day(date), ok(await staff.post(`/cases/${f.id}/reports/1/decision`, { accept: true })));
const rate = async (f: Filed, rating: string) => ok(await request(t.app).post('/api/v1/tracking/rating').send({ code: f.trackingCode, secret: f.trackingSecret, rating }));

beforeAll(async () => {
  [WS01, WS02, staff] = [await apiAs(t.app, 'unit', 'WS01'), await apiAs(t.app, 'unit', 'WS02'), await apiAs(t.app, 'commission')];

  // December 2025: a phone complaint naming no unit, still in triage.
  day('2025-12-01');
  cases.t0 = await fileComplaint(t.ctx, { categoryCode: 'efficiency', description: '来电反映：某窗口工作人员态度生硬。', place: PLACE, ...FILER }, { channel: 'phone' });
  await until(() => Case.findOne({ _id: cases.t0.id, status: 'triaged' }).lean());

  cases.a1 = await file('WS01', '2026-03-02', A1_TEXT);
  await sign(WS01, cases.a1, '2026-03-02');
  await report(WS01, cases.a1, '2026-03-05', A1_REPLY);
  await accept(cases.a1, '2026-03-06');
  await rate(cases.a1, 'satisfied');

  cases.a2 = await file('WS01', '2026-03-02', A2_SECRET);
  await sign(WS01, cases.a2, '2026-03-04');
  await report(WS01, cases.a2, '2026-03-10');
  await accept(cases.a2, '2026-03-11');
  await rate(cases.a2, 'dissatisfied');

  cases.a3 = await file('WS01', '2026-03-02', '窗口多次推诿，要求限期整改。');
  await sign(WS01, cases.a3, '2026-03-02');

  cases.b1 = await file('WS02', '2026-03-03', '营业厅排队两小时无人办理。');
  await sign(WS02, cases.b1, '2026-03-03');
  await report(WS02, cases.b1, '2026-03-05');
  await accept(cases.b1, '2026-03-09');

  cases.c1 = await file('LE01', '2026-03-02', '执法人员未出示证件。');

  day('2026-03-20');
  cases.t1 = await fileComplaint(t.ctx, { categoryCode: 'efficiency', description: '来访反映：办事指南与实际要求不一致。', place: PLACE, ...FILER }, { channel: 'visit' });
  await until(() => Case.findOne({ _id: cases.t1.id, status: 'triaged' }).lean());
});

/** The row of a table on the page, by its data attribute. */
function rowOf(html: string, attr: string, value: string): string {
  const m = new RegExp(`<tr data-${attr}="${value}">([\\s\\S]*?)</tr>`).exec(html);
  if (!m) throw new Error(`no row ${attr}=${value}`);
  return m[1]!;
}
/** The cells of a row by their data-k, as text without tags. */
function cells(row: string): Record<string, string> {
  return Object.fromEntries([...row.matchAll(/<td data-k="(\w+)"[^>]*>([\s\S]*?)<\/td>/g)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()]));
}

/** A CSV parser for the test (quotes, doubled quotes, CRLF), so the file is read back as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** Every refresh queued by hand so far has finished (so none starts after the test's own). */
async function refreshesFinished() {
  const queue = t.ctx.queues.get('maintenance');
  const jobs = (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter((j) => j.id?.startsWith('transparency-refresh'));
  for (const j of jobs) await jobFinished(t.ctx, 'maintenance', j.id!, 120000);
}

function expectNoFilerData(text: string) {
  for (const secret of [FILER.name, FILER.phone, FILER.email, PLACE, A2_SECRET, '13800001111', 'li.mou@example.cn']) expect(text).not.toContain(secret);
}

describe('the public page and open data', () => {
  it('when there is no snapshot (the first refresh has not finished), then /public answers 200 saying the figures are being prepared and the files 503 with Retry-After', async () => {
    // The workers' schedule refreshes once as they start: remove what it wrote.
    await TransparencySnapshot.deleteMany({});
    const page = await request(t.app).get('/public').expect(200);
    expect(page.text).toContain('数据正在准备中');
    const csv = await request(t.app).get('/open-data/cases.csv').expect(503);
    expect(csv.headers['retry-after']).toBe('60');
    await request(t.app).get('/open-data/cases.json').expect(503);
  });

  it('when the commission marks a case publishable on the case page, then the mark and who set it are recorded; units and bad input change nothing', async () => {
    const staffUser = await givenUser('commission', { username: 'pub-staff' });
    const commission = browser(t.app);
    expect((await commission.login('pub-staff')).status).toBe(302);
    const casePage = await commission.agent.get(`/commission/cases/${cases.a1.id}`).expect(200);
    // The panel shows what the public would read.
    expect(casePage.text).toContain(A1_MASKED);
    const { csrf } = formTokens(casePage.text);

    const bad = await commission.agent.post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ _csrf: csrf, publishable: 'maybe' });
    expect(bad.status).toBe(400);
    expect((await Case.findById(cases.a1.id).lean())!.publishable).toBe(false);

    await givenUser('unit', { username: 'pub-unit', unitCode: 'WS01' });
    const unit = browser(t.app);
    await unit.login('pub-unit');
    const unitCsrf = await unit.csrf(`/unit/cases/${cases.a1.id}`);
    expect((await unit.agent.post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ _csrf: unitCsrf, publishable: 'true' })).status).toBe(403);
    expect((await request(t.app).post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ publishable: 'true' })).status).toBe(403); // no CSRF pair
    expect((await Case.findById(cases.a1.id).lean())!.publishable).toBe(false);

    const set = await commission.agent.post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ _csrf: csrf, publishable: 'true' });
    expect([set.status, set.headers.location]).toEqual([303, `/commission/cases/${cases.a1.id}`]);
    const marked = (await Case.findById(cases.a1.id).lean())!;
    expect(marked.publishable).toBe(true);
    const event = marked.timeline.at(-1)!;
    expect([event.action, event.actor?.kind, event.actor?.role, String(event.actor?.userId)]).toEqual(['publishable_set', 'user', 'commission', String(staffUser._id)]);
    // Setting it again records nothing more; the status never changed.
    await commission.agent.post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ _csrf: csrf, publishable: 'true' }).expect(303);
    const again = (await Case.findById(cases.a1.id).lean())!;
    expect([again.timeline.length, again.status]).toEqual([marked.timeline.length, 'resolved']);
  });

  it('when the snapshot is refreshed, then every figure on the page equals the hand count, the resolved cases show the masked reply and only the publishable description, and nothing names a filer', async () => {
    // The refresh the mark above asked for: finished first, or a refresh it started after this one could win.
    await refreshesFinished();
    day('2026-03-20');
    const result = await refreshSnapshot(t.ctx);
    expect([result.cases, result.written]).toEqual([7, true]);

    const res = await request(t.app).get('/public').expect(200);
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    const html = res.text;
    expect(html).toContain('统计期间：2026-01-01 至 2026-03-20');
    expect(Object.fromEntries([...html.matchAll(/<dd data-total="(\w+)">(\d+)<\/dd>/g)].map((m) => [m[1], Number(m[2])]))).toEqual({ filed: 6, open: 3, resolved: 3, rejected: 0 });

    expect(cells(rowOf(html, 'unit', 'WS01'))).toEqual({ received: '3', resolved: '2', overdueNow: '1', response: '66.7% (2 / 3)', onTimeResolution: '66.7% (2 / 3)', satisfaction: '50% (1 / 2)' });
    expect(cells(rowOf(html, 'unit', 'WS02'))).toEqual({ received: '1', resolved: '1', overdueNow: '0', response: '100% (1 / 1)', onTimeResolution: '100% (1 / 1)', satisfaction: '— (0 / 0)' });
    expect(cells(rowOf(html, 'unit', 'LE01'))).toEqual({ received: '1', resolved: '0', overdueNow: '1', response: '0% (0 / 1)', onTimeResolution: '0% (0 / 1)', satisfaction: '— (0 / 0)' });
    expect(cells(rowOf(html, 'unit', 'WS03'))).toEqual({ received: '0', resolved: '0', overdueNow: '0', response: '— (0 / 0)', onTimeResolution: '— (0 / 0)', satisfaction: '— (0 / 0)' });
    expect(cells(rowOf(html, 'series', 'window_service'))).toEqual({ received: '4', resolved: '3', resolvedOnTime: '3', response: '75% (3 / 4)', onTimeResolution: '75% (3 / 4)', satisfaction: '50% (1 / 2)' });
    expect(cells(rowOf(html, 'series', 'law_enforcement'))).toEqual({ received: '1', resolved: '0', resolvedOnTime: '0', response: '0% (0 / 1)', onTimeResolution: '0% (0 / 1)', satisfaction: '— (0 / 0)' });
    expect(cells(rowOf(html, 'series', 'comprehensive_management'))).toEqual({ received: '0', resolved: '0', resolvedOnTime: '0', response: '— (0 / 0)', onTimeResolution: '— (0 / 0)', satisfaction: '— (0 / 0)' });

    // Most recently resolved first: a2 (03-11), b1 (03-09), a1 (03-06).
    const recent = [...html.matchAll(/<li data-case="([^"]+)">([\s\S]*?)<\/li>/g)];
    expect(recent.map((m) => m[1])).toEqual([await number(cases.a2), await number(cases.b1), await number(cases.a1)]);
    const a1 = recent[2]![2]!;
    expect(a1).toContain(A1_MASKED);
    expect(a1).toContain(`已联系${MASK}（${MASK}）说明情况，窗口人员已整改。`);
    expect(a1).toContain('按期');
    expect(recent[0]![2]).toContain('（诉求内容未公开）');
    expect(recent[0]![2]).toContain(REPORT.reply);
    expectNoFilerData(html);
    // Linked from the home page; published notices and evaluations: none yet.
    expect((await request(t.app).get('/').expect(200)).text).toContain('href="/public"');
    expect(html).toContain('id="no-notices"');
    expect(html).toContain('id="no-evaluations"');
    // English too.
    const en = await request(t.app).get('/public?lang=en').expect(200);
    expect(cells(rowOf(en.text, 'unit', 'WS01')).response).toBe('66.7% (2 / 3)');
    expect(en.text).toContain('(the description is not published)');
  });

  it('when the CSV is downloaded, then it parses back with the documented header, one anonymised row per case, a licence link and an ETag that answers 304', async () => {
    const res = await request(t.app).get('/open-data/cases.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers.link).toBe('<https://creativecommons.org/licenses/by/4.0/>; rel="license"; title="CC BY 4.0"');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expectNoFilerData(res.text);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([...OPEN_DATA_COLUMNS]);
    const byNumber = new Map(rows.map((r) => [r[0], Object.fromEntries(OPEN_DATA_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(rows.length).toBe(7);
    expect(byNumber.get(await number(cases.a1))).toEqual({
      case_number: await number(cases.a1),
      category_code: 'efficiency',
      category: expect.any(String),
      unit_code: 'WS01',
      unit: expect.stringMatching(/\S/),
      series: 'window_service',
      channel_group: 'online',
      submitted_date: '2026-03-02',
      resolved_date: '2026-03-06',
      status: 'resolved',
      on_time: 'true',
      satisfaction: 'satisfied',
    });
    expect(byNumber.get(await number(cases.a2))).toMatchObject({ unit_code: 'WS01', submitted_date: '2026-03-02', resolved_date: '2026-03-11', status: 'resolved', on_time: 'true', satisfaction: 'dissatisfied' });
    expect(byNumber.get(await number(cases.a3))).toMatchObject({ unit_code: 'WS01', status: 'acknowledged', resolved_date: '', on_time: '', satisfaction: '' });
    expect(byNumber.get(await number(cases.b1))).toMatchObject({ unit_code: 'WS02', submitted_date: '2026-03-03', resolved_date: '2026-03-09', on_time: 'true', satisfaction: '' });
    expect(byNumber.get(await number(cases.c1))).toMatchObject({ unit_code: 'LE01', series: 'law_enforcement', status: 'assigned' });
    expect(byNumber.get(await number(cases.t1))).toMatchObject({ unit_code: '', channel_group: 'commission', submitted_date: '2026-03-20', status: 'triaged' });
    expect(byNumber.get(await number(cases.t0))).toMatchObject({ channel_group: 'commission', submitted_date: '2025-12-01', status: 'triaged' });

    await request(t.app).get('/open-data/cases.csv').set('If-None-Match', res.headers.etag!).expect(304);

    // One year's file: by submitted date.
    const y2025 = parseCsv((await request(t.app).get('/open-data/cases.csv?year=2025').expect(200)).text);
    expect(y2025.map((r) => r[0])).toEqual(['case_number', await number(cases.t0)]);
    expect(parseCsv((await request(t.app).get('/open-data/cases.csv?year=2026').expect(200)).text).length).toBe(1 + 6);
    expect(parseCsv((await request(t.app).get('/open-data/cases.csv?year=2024').expect(200)).text)).toEqual([[...OPEN_DATA_COLUMNS]]);
  });

  it('when the JSON is downloaded, then it carries the licence, the columns and the same rows, typed; a bad year is a 400 naming the field', async () => {
    const res = await request(t.app).get('/open-data/cases.json?year=2026').expect(200);
    expectNoFilerData(res.text);
    const body = JSON.parse(res.text);
    expect(body.licence).toEqual({ name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' });
    expect([body.year, body.columns, body.cases.length]).toEqual([2026, [...OPEN_DATA_COLUMNS], 6]);
    const a1Number = await number(cases.a1);
    const a1 = body.cases.find((c: { case_number: string }) => c.case_number === a1Number);
    expect(a1).toMatchObject({ on_time: true, satisfaction: 'satisfied', resolved_date: '2026-03-06' });
    expect(Object.keys(a1)).toEqual([...OPEN_DATA_COLUMNS]);

    for (const bad of ['abc', '1999', '2026.5']) {
      const r = await request(t.app).get(`/open-data/cases.json?year=${bad}`).set('Accept', 'text/html');
      expect(r.status).toBe(400);
      expect(r.text).toContain('year');
    }
  });

  it('when the commission clears the mark and asks for a refresh, then the refresh job runs and the description is gone from the page', async () => {
    await givenUser('commission', { username: 'pub-staff2' });
    const commission = browser(t.app);
    await commission.login('pub-staff2');
    const { csrf } = formTokens((await commission.agent.get(`/commission/cases/${cases.a1.id}`).expect(200)).text);
    await commission.agent.post(`/commission/cases/${cases.a1.id}/publishable`).type('form').send({ _csrf: csrf, publishable: 'false' }).expect(303);
    expect((await Case.findById(cases.a1.id).lean())!.timeline.at(-1)!.action).toBe('publishable_cleared');

    const before = (await TransparencySnapshot.findById('current').lean())!.version;
    const refresh = await commission.agent.post('/commission/transparency/refresh').type('form').send({ _csrf: csrf });
    expect([refresh.status, refresh.headers.location]).toEqual([303, '/public?refresh=queued']);
    const queue = t.ctx.queues.get('maintenance');
    const jobs = (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter((j) => j.id?.startsWith('transparency-refresh-'));
    expect(jobs.length).toBeGreaterThan(0);
    for (const j of jobs) expect((await jobFinished(t.ctx, 'maintenance', j.id!)).state).toBe('completed');
    expect((await TransparencySnapshot.findById('current').lean())!.version).toBeGreaterThan(before);

    const html = (await request(t.app).get('/public').expect(200)).text;
    expect(html).not.toContain(A1_MASKED);
    expect(html).not.toContain('李某');
    expectNoFilerData(html);
    // Anonymous users cannot ask for a refresh.
    expect((await request(t.app).post('/commission/transparency/refresh')).status).toBe(403);
  });

  it('when one case changes after a refresh, then the next refresh patches only that case: its year\'s files are rewritten, the other year keeps its file and ETag, and every figure and row equals a full rebuild', async () => {
    await refreshesFinished();
    const before = (await TransparencySnapshot.findById('current').lean())!;
    const fileOf = (snap: typeof before, key: string, format: string) => snap.files.find((f) => f.key === key && f.format === format)!;
    // a3 (WS01, deadline 03-16) is reported and accepted on 03-20: resolved late.
    await report(WS01, cases.a3, '2026-03-20');
    await accept(cases.a3, '2026-03-20');

    const patched = await refreshSnapshot(t.ctx);
    expect([patched.mode, patched.changed, patched.cases, patched.written]).toEqual(['patch', 1, 7, true]);
    const after = (await TransparencySnapshot.findById('current').lean())!;
    expect(String(fileOf(after, '2025', 'csv').fileId)).toBe(String(fileOf(before, '2025', 'csv').fileId));
    expect(fileOf(after, '2025', 'json').etag).toBe(fileOf(before, '2025', 'json').etag);
    expect(fileOf(after, '2026', 'csv').etag).not.toBe(fileOf(before, '2026', 'csv').etag);

    // Hand count: WS01 now resolved 3 (2 on time), nothing overdue; 2026: open 2 (c1 t1), resolved 4.
    const html = (await request(t.app).get('/public').expect(200)).text;
    expect(cells(rowOf(html, 'unit', 'WS01'))).toEqual({ received: '3', resolved: '3', overdueNow: '0', response: '66.7% (2 / 3)', onTimeResolution: '66.7% (2 / 3)', satisfaction: '50% (1 / 2)' });
    expect(Object.fromEntries([...html.matchAll(/<dd data-total="(\w+)">(\d+)<\/dd>/g)].map((m) => [m[1], Number(m[2])]))).toEqual({ filed: 6, open: 2, resolved: 4, rejected: 0 });
    expect([...html.matchAll(/<li data-case="([^"]+)">/g)].map((m) => m[1])[0]).toBe(await number(cases.a3));
    const csv = parseCsv((await request(t.app).get('/open-data/cases.csv?year=2026').expect(200)).text);
    const byNumber = new Map(csv.slice(1).map((r) => [r[0], Object.fromEntries(OPEN_DATA_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(byNumber.get(await number(cases.a3))).toMatchObject({ status: 'resolved', resolved_date: '2026-03-20', on_time: 'false' });

    // Nothing changed since: the recent cases keep their masked texts, no filer record is read.
    const collections: string[] = [];
    mongoose.set('debug', (collection: string) => void collections.push(collection));
    try {
      expect((await refreshSnapshot(t.ctx)).mode).toBe('none');
    } finally {
      mongoose.set('debug', false);
    }
    expect(collections).not.toContain('complainants');
    expect((await TransparencySnapshot.findById('current').lean())!.page).toEqual(after.page);

    // The same as reading every case again.
    const full = await refreshSnapshot(t.ctx, { full: true });
    expect([full.mode, full.written]).toEqual(['full', true]);
    const rebuilt = (await TransparencySnapshot.findById('current').lean())!;
    expect(rebuilt.page).toEqual(after.page);
    for (const key of ['all', '2025', '2026']) expect(fileOf(rebuilt, key, 'csv').etag).toBe(fileOf(after, key, 'csv').etag);
  });
});
