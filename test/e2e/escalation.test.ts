import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { demoClock, sweepNow } from '../../src/escalation/sweep.job';
import { givenUser } from '../helpers/builders';
import { assignedCase } from '../helpers/cases';
import { expectText, login, useE2e } from '../helpers/e2e';

const e = useE2e();

beforeAll(async () => {
  await givenUser('commission', { username: 'zhou' });
  fs.mkdirSync('test-results', { recursive: true });
});

it('when a CLOCK_NOW sweep has run, then the commission sees the case at level 2 on the board, prints its supervision notice and downloads the XLSX', async () => {
  e.ctx.clock.set(new Date('2026-03-02T02:00:00Z'));
  const filed = await assignedCase(e.ctx, 'WS05', '不动产登记窗口要求群众反复提交同一份证明。'); // deadline 2026-03-16
  // As `CLOCK_NOW=2026-03-20T10:00:00+08:00 npm run sweep` would: four working days late, level 2.
  const clock = demoClock({ CLOCK_NOW: '2026-03-20T10:00:00+08:00', NODE_ENV: 'test' })!;
  e.ctx.clock.set(clock.now());
  const report = await sweepNow({ ...e.ctx, clock });
  expect(report.map((r) => r.number)).toEqual([filed.number]);

  const desk = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await desk.newPage();
  await login(page, e.base, 'zhou');
  await page.getByRole('link', { name: '逾期督办' }).first().click();
  await expectText(page.locator(`tr[data-case="${filed.number}"]`), '二级 督办');
  await page.selectOption('#f-level', '2');
  await page.getByRole('button', { name: '查询' }).click();
  await expectText(page.locator('#board'), filed.number);
  await page.screenshot({ path: 'test-results/e2e-overdue-board.png', fullPage: true });

  const download = page.waitForEvent('download');
  await page.locator('#export-xlsx').click();
  const file = await (await download).path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file!);
  const row = wb.worksheets[0]!.getRow(2);
  expect([row.getCell(1).value, row.getCell(9).value, row.getCell(8).value]).toEqual([filed.number, 2, -4]);

  await page.locator(`tr[data-case="${filed.number}"] a`).first().click();
  await expectText(page.locator('#escalation-level'), '二级 督办');
  await page.locator('.supervision-link').first().click();
  await expectText(page.locator('#supervision-number'), '〔2026〕督第1号');
  await expectText(page.locator('#supervision-deadline'), '2026年3月16日');
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  await page.screenshot({ path: 'test-results/e2e-supervision-notice.png', fullPage: true });
  await desk.close();
});
