import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Evaluation } from '../../src/evaluation/evaluation.models';
import { givenUser } from '../helpers/builders';
import { expectText, login, useE2e } from '../helpers/e2e';

const e = useE2e();

beforeAll(async () => {
  await givenUser('commission', { username: 'sun' });
  fs.mkdirSync('test-results', { recursive: true });
});

async function registryXlsx(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('代表');
  ws.addRow(['kind', 'name', 'organization', 'email', 'phone', 'unitCode']);
  for (let i = 0; i < 3; i++) ws.addRow(['entrepreneur', `企业家${i}`, `县里第${i}家企业`, `boss${i}@firm.example`, '', '']);
  // The last public member has no address: a printed ballot.
  for (let i = 0; i < 3; i++) ws.addRow(['public', `群众代表${i}`, '', i < 2 ? `rep${i}@mail.example` : '', `1390000000${i}`, '']);
  const file = path.join(os.tmpdir(), `registry-${process.pid}.xlsx`);
  await wb.xlsx.writeFile(file);
  return file;
}

it('when the commission runs an evaluation (XLSX registry, seeded draw), a representative votes by link on a phone, and the results are published, then the public page shows the rankings', async () => {
  const desk = await e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await desk.newPage();
  await login(page, e.base, 'sun');
  await page.goto(`${e.base}/commission/representatives`);
  await page.setInputFiles('#file', await registryXlsx());
  await page.locator('#import-form button[type=submit]').click();
  await expectText(page.locator('#import-report'), '6');

  await page.goto(`${e.base}/commission/evaluations`);
  await page.fill('#ev-year', '2026');
  await page.fill('#ev-name', '2026年度双百双评（演示）');
  await page.fill('#ev-entrepreneur', '3');
  await page.fill('#ev-public', '3');
  await page.fill('#ev-minBallots', '1');
  await page.getByRole('button', { name: '新建评议' }).click();
  await expectText(page.locator('#evaluation-state'), '准备中');
  await page.locator('#take-snapshot').click();
  await expectText(page.locator('#snapshot-hash'), '');
  await page.fill('#seed', '2026-11-26 福彩3D 5 1 8');
  await page.locator('#draw').click();
  await expectText(page.locator('#evaluation-state'), '已抽取评议代表');
  await page.locator('#issue-ballots').click();
  // Staff see only the printed ballot's code; the five others got their links by mail.
  await expectText(page.locator('#codes'), '群众代表2');
  await expectText(page.locator('#mailed'), '5');
  const paper = await page.locator('a.ballot-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  expect(paper).toHaveLength(1);
  const mails = await e.smtp.waitForMails(5);
  const links = [...mails.map((m) => /\/ballot\/[0-9A-Z-]+/.exec(m.text)![0]), ...paper];

  // One representative votes on a phone, by the link in their mail; the others through the same API.
  const phone = await e.browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const ballot = await phone.newPage();
  await ballot.goto(`${e.base}${links[0]}`);
  await expectText(ballot.locator('#progress-text'), '已评 0 / 70');
  const units = await ballot.locator('.ballot-unit').evaluateAll((els) => els.map((el) => el.getAttribute('data-unit')!));
  for (const [i, unitId] of units.entries()) {
    await ballot.locator(`input[name="r_${unitId}"][value="${i % 7 === 0 ? 'dissatisfied' : i % 3 === 0 ? 'basically_satisfied' : 'satisfied'}"]`).check();
  }
  // 70 saves go one after another through the page's queue: allow for a loaded machine.
  await expectText(ballot.locator('#progress-text'), '已评 70 / 70', 45000);
  // A comment on the first unit, saved with its rating.
  await ballot.locator(`.ballot-unit[data-unit="${units[0]}"] details.comment summary`).click();
  await ballot.fill(`#c_${units[0]}`, '窗口服务态度有改进，但排队时间仍长');
  await ballot.locator(`#c_${units[0]}`).blur();
  expect(await ballot.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  await ballot.screenshot({ path: 'test-results/e2e-ballot-phone.png' });
  await ballot.locator('#ballot-submit').click();
  await expectText(ballot.locator('#saved'), '已保存');
  for (const link of links.slice(1)) {
    const code = link.split('/').pop()!;
    const view = (await (await fetch(`${e.base}/api/v1/ballots/${code}`)).json()) as { series: { units: { unitId: string }[] }[] };
    const ratings = view.series.flatMap((s: { units: { unitId: string }[] }) => s.units.map((u, i) => ({ unitId: u.unitId, rating: i === s.units.length - 1 ? 'dissatisfied' : 'satisfied' })));
    expect((await fetch(`${e.base}/api/v1/ballots/${code}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ratings }) })).status).toBe(200);
  }
  await page.reload();
  await expectText(page.locator('#turnout'), '3 / 3');
  await page.locator('#close-voting').click();
  await expectText(page.locator('#evaluation-state'), '已截止');
  await expectText(page.locator('#panel-comments'), '排队时间仍长');
  await page.locator('#publish').click();
  await expectText(page.locator('#evaluation-state'), '已公布');
  await expectText(page.locator('#documents'), '〔2026〕评第');

  // Anyone, without login, reads the published rankings.
  const id = String((await Evaluation.findOne({ year: 2026 }).lean())!._id);
  const pub = await phone.newPage();
  await pub.goto(`${e.base}/`);
  await pub.locator('#public-evaluations').click();
  await pub.getByRole('link', { name: '2026年度双百双评（演示）' }).click();
  expect(pub.url()).toBe(`${e.base}/public/evaluations/${id}`);
  await expectText(pub.locator('table.results[data-series="law_enforcement"]'), '通报表扬');
  await expectText(pub.locator('table.results[data-series="window_service"]'), '通报批评');
  expect(await pub.locator('tr[data-outcome="commended"]').count()).toBe(9);
  expect(await pub.locator('tr[data-outcome="criticised"]').count()).toBe(3);
  const body = (await pub.locator('body').textContent())!;
  expect(body).not.toMatch(/boss\d@firm|1390000000/);
  await pub.screenshot({ path: 'test-results/e2e-public-evaluation.png', fullPage: true });
  await Promise.all([desk.close(), phone.close()]);
});
