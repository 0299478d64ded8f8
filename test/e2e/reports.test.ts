import fs from 'node:fs';
import { givenUser } from '../helpers/builders';
import { assignedCase } from '../helpers/cases';
import { expectText, login, useE2e } from '../helpers/e2e';

// The machine is shared: starting the services and Chromium may take longer than jest's default.
jest.setTimeout(180000);
const e = useE2e();

beforeAll(async () => {
  await givenUser('commission', { username: 'qian' });
  fs.mkdirSync('test-results', { recursive: true });
  e.ctx.clock.set(new Date('2026-03-02T02:00:00Z'));
  await assignedCase(e.ctx, 'WS05', '不动产登记窗口要求群众反复提交同一份证明。');
  await assignedCase(e.ctx, 'LE01', '执法窗口多次要求企业补充同一材料。');
  e.ctx.clock.set(new Date('2026-04-01T02:00:00Z'));
});

it('when the commission generates a monthly report, then the page follows the job to the figures and reads on a phone and a desktop', async () => {
  const desk = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await desk.newPage();
  await login(page, e.base, 'qian');
  await page.getByRole('link', { name: '统计报告' }).first().click();
  await page.selectOption('#kind', 'month');
  await page.fill('#year', '2026');
  await page.fill('#month', '3');
  await page.getByRole('button', { name: '生成报告' }).click();
  // The page polls the job's status and shows the figures once it is done.
  await expectText(page.locator('[data-figure="submitted"]'), '2', 30000);
  await expectText(page.locator('tr[data-unit="WS05"] [data-col="received"]'), '1');
  await page.screenshot({ path: 'test-results/e2e-report-1366.png', fullPage: true });
  const url = page.url();

  const phone = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 }, isMobile: true });
  const small = await phone.newPage();
  await login(small, e.base, 'qian');
  await small.goto(url);
  await expectText(small.locator('[data-figure="received"]'), '2');
  // Nothing wider than the phone: wide tables scroll inside their own box.
  expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  await small.screenshot({ path: 'test-results/e2e-report-360.png', fullPage: true });
  await small.screenshot({ path: 'test-results/e2e-report-360-top.png' });

  await page.getByRole('link', { name: '打印页' }).click();
  await expectText(page.locator('h1'), '2026-03');
  await page.screenshot({ path: 'test-results/e2e-report-print.png', fullPage: true });
  await desk.close();
  await phone.close();
});
