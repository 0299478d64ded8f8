import fs from 'node:fs';
import { assignedCase } from '../helpers/cases';
import { useE2e } from '../helpers/e2e';
import { refreshSnapshot } from '../../src/transparency/refresh.service';

const e = useE2e();

beforeAll(async () => {
  fs.mkdirSync('test-results', { recursive: true });
  await assignedCase(e.ctx, 'WS01');
  await refreshSnapshot(e.ctx);
});

it.each([
  ['phone', { width: 360, height: 780 }, true],
  ['desktop', { width: 1366, height: 900 }, false],
])('when anyone opens the public page on a %s, then it shows the figures without login, fits the screen and a table row per unit', async (_name, viewport, isMobile) => {
  const context = await e.browser.newContext({ viewport, isMobile, hasTouch: isMobile, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${e.base}/`);
  await page.locator('#public-page').click();
  await page.waitForURL(`${e.base}/public`);
  expect(await page.locator('h1').textContent()).toBe('工作公开');
  expect(await page.locator('#units tbody tr').count()).toBe(70);
  expect((await page.locator('tr[data-unit="WS01"] td[data-k="received"]').textContent())?.trim()).toBe('1');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
  await page.screenshot({ path: `test-results/public-${viewport.width}.png`, fullPage: false });
  // The open-data link answers a file.
  const csv = await page.request.get(`${e.base}/open-data/cases.csv`);
  expect([csv.status(), csv.headers()['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
  await context.close();
});
