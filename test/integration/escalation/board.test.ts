import ExcelJS from 'exceljs';
import request from 'supertest';
import { Case } from '../../../src/cases/case.model';
import { sweepNow } from '../../../src/escalation/sweep.job';
import { useTestApp } from '../../helpers/app';
import { givenUser, unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT } from '../../helpers/cases';
import { browser } from '../../helpers/http';

const t = useTestApp({ smtp: true, workers: true });
const at = (local: string) => t.ctx.clock.set(new Date(`${local}+08:00`));

async function fixture() {
  at('2026-03-02T10:00:00');
  const late = await assignedCase(t.ctx, 'WS01'); // deadline 03-16
  const soon = await assignedCase(t.ctx, 'LE02');
  at('2026-03-09T10:00:00');
  const later = await assignedCase(t.ctx, 'CM03'); // deadline 03-23
  at('2026-03-20T10:00:00'); // Friday: `late` is 4 working days over (level 2), `soon` too, `later` due Monday
  await sweepNow(t.ctx);
  return { late, soon, later };
}

describe('the overdue board', () => {
  it('when cases are overdue or due soon, then the board lists them by level with working days, filters by series, unit and level, and answers as JSON', async () => {
    const { late, later } = await fixture();
    const staff = await apiAs(t.app, 'commission');
    const all = await staff.get('/overdue').expect(200);
    expect(all.body.cases.map((r: { number: string; level: number; daysLeft: number }) => [r.number, r.level, r.daysLeft])).toEqual([
      [late.number, 2, -4],
      [expect.any(String), 2, -4],
      [later.number, 0, 1],
    ]);
    const ws01 = await unitByCode('WS01');
    expect((await staff.get(`/overdue?unitId=${String(ws01._id)}`).expect(200)).body.cases).toHaveLength(1);
    expect((await staff.get('/overdue?series=law_enforcement').expect(200)).body.cases).toHaveLength(1);
    expect((await staff.get('/overdue?level=0').expect(200)).body.cases.map((r: { number: string }) => r.number)).toEqual([later.number]);
    await staff.get('/overdue?level=7').expect(400);
    await (await apiAs(t.app, 'unit', 'WS01')).get('/overdue').expect(403);
  });

  it('when exported, then the XLSX has typed dates and numbers and the CSV the same rows, and neither names the filer', async () => {
    const { late } = await fixture();
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const page = await b.agent.get('/commission/overdue?sort=level').expect(200);
    expect(page.text).toContain(late.number);
    const xlsx = await b.agent.get('/commission/overdue.xlsx').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('逾期督办 Overdue');
    expect(ws.rowCount).toBe(4);
    const first = ws.getRow(2);
    expect(first.getCell(1).value).toBe(late.number);
    expect(first.getCell(7).value).toEqual(new Date('2026-03-16T00:00:00Z'));
    expect(first.getCell(8).value).toBe(-4);
    expect(first.getCell(9).value).toBe(2);
    const csv = await b.agent.get('/commission/overdue.csv').expect(200).expect('content-type', /text\/csv/);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(csv.text).toContain(`${late.number},WS01`);
    for (const secret of Object.values(FILER)) {
      expect(csv.text).not.toContain(secret);
      expect(xlsx.body.toString('latin1')).not.toContain(secret);
    }
    await request(t.app).get('/commission/overdue.csv').expect(302);
  });

  it('when a unit opens its inbox, then its overdue case shows its level', async () => {
    await fixture();
    await givenUser('unit', { username: 'ws01', unitCode: 'WS01' });
    const b = browser(t.app);
    await b.login('ws01');
    const inbox = await b.agent.get('/unit/cases?tab=overdue').expect(200);
    expect(inbox.text).toMatch(/data-level="2"/);
    expect(inbox.text).toContain('二级 督办');
  });
});

describe('problem cases', () => {
  it('when a report is returned the third time, then the case is a problem case and reaches level 2 at once', async () => {
    at('2026-03-02T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    const staff = await apiAs(t.app, 'commission');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    for (let n = 1; n <= 3; n++) {
      await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
      await staff.post(`/cases/${filed.id}/reports/${n}/decision`, { accept: false, reasons: '仍不到位', workingDays: 10 }).expect(200);
    }
    const c = await Case.findById(filed.id).lean();
    expect(c!.problemSince).not.toBeNull();
    const applied = (await sweepNow(t.ctx))[0]!.applied;
    expect(applied).toEqual([expect.stringMatching(/:level:2$/)]);
    const view = await staff.get(`/cases/${filed.id}`).expect(200);
    expect(view.body.escalation).toMatchObject({ level: 2, problem: true });
  });
});
