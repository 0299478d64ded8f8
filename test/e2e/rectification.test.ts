import fs from 'node:fs';
import { Case } from '../../src/cases/case.model';
import { givenUser } from '../helpers/builders';
import { assignedCase, REPORT } from '../helpers/cases';
import { expectText, login, useE2e } from '../helpers/e2e';
import { until } from '../helpers/wait';

const e = useE2e();

beforeAll(async () => {
  await givenUser('unit', { username: 'ws03', unitCode: 'WS03' });
  await givenUser('commission', { username: 'li' });
  fs.mkdirSync('test-results', { recursive: true });
});

async function fillReport(page: import('playwright-core').Page, reply: string) {
  await page.fill('#r-findings', REPORT.findings);
  await page.fill('#r-actions', REPORT.actions);
  await page.fill('#r-result', REPORT.result);
  await page.selectOption('#r-outcome', 'resolved');
  await page.selectOption('#r-accountability', 'criticism');
  await page.fill('#r-reply', reply);
  await page.fill('#r-internalNotes', REPORT.internalNotes);
  await page.getByRole('button', { name: '报送整改报告' }).click();
  await page.waitForLoadState();
}

it('when a unit signs and reports, the commission returns it, the unit reports again and it is accepted, then the filer reads the reply and rates it on a phone', async () => {
  const filed = await assignedCase(e.ctx, 'WS03', '营业厅办理宽带报装，工作人员三次让群众回去补材料。');
  const unitCtx = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const unit = await unitCtx.newPage();
  await login(unit, e.base, 'ws03');
  await expectText(unit.locator('[data-count="new"]'), '1');
  await unit.locator(`tr[data-case="${filed.number}"] a`).first().click();
  await unit.getByRole('button', { name: '签收' }).click();
  await expectText(unit.locator('#signed'), '按时签收');
  await fillReport(unit, '经核实，已一次性告知所需材料并当场受理。');
  await expectText(unit.locator('#case-status'), '已反馈');
  await unit.screenshot({ path: 'test-results/e2e-unit-report.png', fullPage: true });

  const deskCtx = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const desk = await deskCtx.newPage();
  await login(desk, e.base, 'li');
  await desk.goto(`${e.base}/commission/cases/${filed.id}`);
  await desk.getByLabel('退回重办').check();
  await desk.fill('#rv-reasons', '未说明对责任人的处理结果');
  await desk.fill('#rv-days', '3');
  await desk.getByRole('button', { name: '提交审核意见' }).click();
  await expectText(desk.locator('#case-status'), '已交办');

  await unit.goto(`${e.base}/unit/cases?tab=redo`);
  await expectText(unit.locator(`tr[data-case="${filed.number}"]`), '退回重办');
  await unit.locator(`tr[data-case="${filed.number}"] a`).first().click();
  await fillReport(unit, '经核实，已一次性告知所需材料并当场受理，对窗口人员进行了批评教育。');
  await expectText(unit.locator('#case-status'), '已反馈');

  await desk.reload();
  await desk.getByLabel('通过').check();
  await desk.getByRole('button', { name: '提交审核意见' }).click();
  await expectText(desk.locator('#case-status'), '已办结');
  await expectText(desk.locator('#report-1'), '退回重办');
  await desk.screenshot({ path: 'test-results/e2e-commission-review.png', fullPage: true });
  await until(() => Case.findOne({ _id: filed.id, status: 'resolved' }).lean());

  const phoneCtx = await e.browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const phone = await phoneCtx.newPage();
  await phone.goto(`${e.base}/track`);
  await phone.fill('#code', filed.trackingCode);
  await phone.fill('#secret', filed.trackingSecret);
  await phone.getByRole('button', { name: '查询' }).click();
  await expectText(phone.locator('#public-reply'), '对窗口人员进行了批评教育');
  expect(await phone.locator('body').textContent()).not.toContain(REPORT.internalNotes);
  await phone.getByLabel('满意', { exact: true }).check();
  await phone.fill('#comment', '态度好，办得快');
  await phone.getByRole('button', { name: '提交评价' }).click();
  await expectText(phone.locator('#your-rating'), '满意');
  // Nothing is wider than the phone's screen.
  expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  await phone.screenshot({ path: 'test-results/e2e-phone-rated.png', fullPage: true });
  expect((await Case.findById(filed.id).lean())!.satisfaction).toMatchObject({ rating: 'satisfied', source: 'filer' });
  await Promise.all([unitCtx.close(), deskCtx.close(), phoneCtx.close()]);
});
