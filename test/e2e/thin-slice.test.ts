import fs from 'node:fs';
import { Case } from '../../src/cases/case.model';
import { unitEmail } from '../../src/seed/seed.service';
import { givenUser, unitByCode } from '../helpers/builders';
import { expectText, login, useE2e } from '../helpers/e2e';
import { until } from '../helpers/wait';

const e = useE2e();

beforeAll(async () => {
  await givenUser('unit', { username: 'ws02', unitCode: 'WS02' });
  await givenUser('unit', { username: 'le10', unitCode: 'LE10' });
  await givenUser('commission', { username: 'wang' });
});

it('when a citizen files a complaint on a phone, then the named unit sees it in its inbox and got the email', async () => {
  const phone = await e.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await phone.newPage();
  await page.goto(`${e.base}/`);
  await page.getByRole('link', { name: '我要投诉 / 反映问题' }).click();
  await page.selectOption('#categoryCode', 'attitude');
  await page.selectOption('#unitId', { label: '中国电信县分公司' });
  await page.fill('#description', '办事大厅窗口工作人员上班时间玩手机，群众排队半小时无人理会。');
  await page.fill('#place', '县政务服务中心二楼');

  // A first try with a too-short text shows the error next to the field and keeps the input.
  await page.fill('#description', '太短了');
  await page.getByRole('button', { name: '提交' }).click();
  await expectText(page.locator('#description-error'), '内容太短');
  expect(await page.inputValue('#place')).toBe('县政务服务中心二楼');

  await page.fill('#description', '办事大厅窗口工作人员上班时间玩手机，群众排队半小时无人理会。');
  await page.getByRole('button', { name: '提交' }).click();
  const number = (await page.locator('#case-number').textContent())!.trim();
  expect(number).toMatch(/^\d{4}-\d{6}$/);
  const code = (await page.locator('#tracking-code').textContent())!.trim();
  const secret = (await page.locator('#tracking-secret').textContent())!.trim();
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/e2e-phone-receipt.png', fullPage: true });

  // Later, the citizen follows it with the code and the secret.
  await page.getByRole('link', { name: '查询进度' }).first().click();
  await page.fill('#code', code);
  await page.fill('#secret', secret);
  await page.getByRole('button', { name: '查询' }).click();
  await expectText(page.locator('#case-number'), number);
  await expectText(page.locator('#timeline'), '收到您的投诉');
  await page.screenshot({ path: 'test-results/e2e-phone-tracking.png', fullPage: true });

  const c = await until(() => Case.findOne({ number, status: 'assigned' }).lean());
  const mails = await e.smtp.waitForMails(1);
  expect(String(c.assignedUnitId)).toBe(String((await unitByCode('WS02'))._id));
  expect(mails[0]!.to).toEqual([unitEmail('WS02')]);

  {
    const desk = await e.browser.newContext({ locale: 'zh-CN' });
    const staff = await desk.newPage();
    await login(staff, e.base, 'ws02');
    await expectText(staff.locator(`tr[data-case="${number}"]`), '已交办');
    await staff.screenshot({ path: 'test-results/e2e-unit-inbox.png', fullPage: true });
    await desk.close();
  }
  await phone.close();
});

it('when the commission triages a public complaint, then the unit sees it in its inbox with the written notice', async () => {
  // A citizen files without naming a unit: no rule applies, so it waits for triage.
  const phone = await e.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'zh-CN' });
  const citizen = await phone.newPage();
  await citizen.goto(`${e.base}/complaints/new`);
  await citizen.selectOption('#categoryCode', 'business_env');
  await citizen.fill('#description', '开发区一家企业的厂房验收材料交了三次，每次被要求补不同的材料。');
  await citizen.getByRole('button', { name: '提交' }).click();
  const number = (await citizen.locator('#case-number').textContent())!.trim();
  await until(() => Case.findOne({ number, routedAt: { $ne: null } }).lean());
  await phone.close();

  const desk = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const staff = await desk.newPage();
  await login(staff, e.base, 'wang');
  await staff.getByRole('link', { name: '待分办' }).first().click();
  await staff.locator(`tr[data-case="${number}"] a`).first().click();
  await staff.selectOption('#assign-unit', { label: '县住房和城乡建设局' });
  await staff.selectOption('#assign-priority', 'normal');
  // The preview shows the due date for the policy's 10 working days from Monday 2026-03-02.
  await expectText(staff.locator('#due-preview'), '2026-03-16');
  await staff.fill('#assign-requirements', '一次性告知所需材料，限期完成验收。');
  await staff.getByRole('button', { name: '交办并发出整改通知书' }).click();
  await until(() => Case.findOne({ number, noticeId: { $ne: null } }).lean());
  await staff.reload();
  await expectText(staff.locator('#notice-link'), '〔2026〕第');
  await desk.close();

  const unitDesk = await e.browser.newContext({ locale: 'zh-CN' });
  const unit = await unitDesk.newPage();
  await login(unit, e.base, 'le10');
  await expectText(unit.locator(`tr[data-case="${number}"]`), '已交办');
  await unit.locator(`tr[data-case="${number}"] a`).first().click();
  await unit.locator('#notice-link').click();
  await expectText(unit.locator('#notice-deadline'), '2026年3月16日');
  await expectText(unit.locator('body'), '一次性告知所需材料');
  await unit.screenshot({ path: 'test-results/e2e-notice.png', fullPage: true });
  await unitDesk.close();
});
