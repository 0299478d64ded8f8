import fs from 'node:fs';
import { Case } from '../../src/cases/case.model';
import { givenUser } from '../helpers/builders';
import { apiAs, assignedCase } from '../helpers/cases';
import { expectText, login, useE2e } from '../helpers/e2e';
import { until } from '../helpers/wait';

// The dashboard and the monthly ranking in Chromium, on a phone and a desktop; and a number on the
// dashboard followed to its list.

const e = useE2e();

beforeAll(async () => {
  await givenUser('commission', { username: 'dash' });
  fs.mkdirSync('test-results', { recursive: true });
  // Three cases for WS01 and one for WS02, filed Monday 2026-03-02; two of WS01's signed.
  e.ctx.clock.set(new Date('2026-03-02T02:00:00Z'));
  const cases = [await assignedCase(e.ctx, 'WS01'), await assignedCase(e.ctx, 'WS01'), await assignedCase(e.ctx, 'WS01'), await assignedCase(e.ctx, 'WS02')];
  const unit = await apiAs((await import('../../src/app')).createApp(e.ctx), 'unit', 'WS01');
  for (const c of cases.slice(0, 2)) await unit.post(`/cases/${c.id}/sign`).expect(200);
  e.ctx.clock.set(new Date('2026-03-04T02:00:00Z'));
  await until(async () => ((await Case.countDocuments({ derivedStaleAt: { $ne: null } })) === 0 ? true : null));
}, 120000);

for (const viewport of [{ width: 360, height: 780 }, { width: 1366, height: 900 }]) {
  it(`when the dashboard and the ranking are opened at ${viewport.width} px, then they render with their charts and tables`, async () => {
    const ctx = await e.browser.newContext({ locale: 'zh-CN', viewport });
    const page = await ctx.newPage();
    await login(page, e.base, 'dash');
    await page.waitForURL(/\/commission$/);
    await expectText(page.locator('h1'), '工作台');
    await expectText(page.locator('[data-figure="open"]'), '4');
    // Chart.js drew on the canvas (served by the app), and the table beside it holds the numbers.
    await page.waitForFunction("!!(window.Chart && window.Chart.getChart(document.querySelector('#intake-channel canvas')))");
    await expectText(page.locator('#table-channel tr[data-key="web"] td').last(), '4');
    await page.screenshot({ path: `test-results/oversight-dashboard-${viewport.width}.png`, fullPage: true });

    await page.goto(`${e.base}/commission/rankings?month=2026-03`);
    await expectText(page.locator('h1'), '2026-03');
    await expectText(page.locator('#rank-window_service tr[data-unit="WS02"] td').first(), '件数过少');
    await page.screenshot({ path: `test-results/oversight-ranking-${viewport.width}.png`, fullPage: true });
    await ctx.close();
  });
}

it('when the commission follows the "open" number on the dashboard, then the list shows that many cases', async () => {
  const ctx = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await login(page, e.base, 'dash');
  const open = Number(await page.locator('[data-figure="open"]').innerText());
  expect(open).toBe(4);
  await page.locator('[data-figure="open"]').click();
  await page.waitForURL(/\/commission\/cases\?status=open/);
  expect(await page.locator('tr[data-case]').count()).toBe(open);
  await page.goBack();
  const web = Number(await page.locator('[data-figure="channel:web:total"]').innerText());
  await page.locator('[data-figure="channel:web:total"]').click();
  await page.waitForURL(/channel=web/);
  expect(await page.locator('tr[data-case]').count()).toBe(web);
  await ctx.close();
});
