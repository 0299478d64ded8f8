import { Bulletin, BulletinNumber } from '../../../src/bulletins/bulletin.model';
import { bulletinMailsJob } from '../../../src/bulletins/bulletin-mails.job';
import { publishedBulletins } from '../../../src/bulletins/bulletin.service';
import { Case } from '../../../src/cases/case.model';
import { fileComplaint } from '../../../src/intake/filing.service';
import { sweepNow } from '../../../src/escalation/sweep.job';
import { Notification } from '../../../src/platform/mail/notification.model';
import { createMailer } from '../../../src/platform/mail/transport';
import { registry } from '../../../src/registry';
import { headEmail } from '../../../src/seed/seed.service';
import { Unit } from '../../../src/units/unit.model';
import { useTestApp } from '../../helpers/app';
import { givenUser, PASSWORD, unitByCode } from '../../helpers/builders';
import { apiAs, assignedCase, FILER, REPORT, watchCaughtUp } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';
import { until } from '../../helpers/wait';

// Two cases filed by FILER: c1 (WS01) resolved, its published reply addressing the filer by name;
// c2 (LE01) never reported, taken to level 3 (listed for notice) by the sweep.

const t = useTestApp({ smtp: true, workers: 'once', seed: 'once' });
jest.setTimeout(180000);

const MARKS = [FILER.name, FILER.phone, FILER.email];
const day = (md: string) => t.ctx.clock.set(new Date(`2026-${md}T02:00:00Z`));
const ok = (res: { status: number; text: string }) => {
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res;
};
let c1 = { id: '', number: '' };
let c2 = { id: '', number: '' };
let staff: ReturnType<typeof browser>;
let activeUnits = 0;

const expectNoFiler = (text: string) => {
  for (const m of MARKS) expect(text).not.toContain(m);
};

async function post(b: ReturnType<typeof browser>, formPage: string, path: string, fields: Record<string, string | string[]>) {
  const page = await b.agent.get(formPage);
  return b.agent.post(path).type('form').send({ _csrf: formTokens(page.text, formPage).csrf, ...fields });
}

async function draft(fields: Record<string, string | string[]>): Promise<string> {
  const res = await post(staff, '/commission/bulletins/new', '/commission/bulletins', { title: '关于6起行政不作为典型案件的通报', caseNumbers: '', ...fields });
  expect([res.status, res.text]).toEqual([303, expect.any(String)]);
  return /\/commission\/bulletins\/([a-f0-9]{24})\/edit$/.exec(res.headers.location!)![1]!;
}
const issue = (id: string) => post(staff, `/commission/bulletins/${id}`, `/commission/bulletins/${id}/issue`, {});

beforeAll(async () => {
  const [A, L, commissionApi] = [await apiAs(t.app, 'unit', 'WS01'), await apiAs(t.app, 'unit', 'LE01'), await apiAs(t.app, 'commission')];
  day('03-02');
  const f1 = await assignedCase(t.ctx, 'WS01');
  ok(await A.post(`/cases/${f1.id}/sign`));
  day('03-05');
  ok(await A.post(`/cases/${f1.id}/reports`, { ...REPORT, reply: `${FILER.name}您好：您反映的问题已整改，企业开办申请已办结。` }));
  day('03-06');
  ok(await commissionApi.post(`/cases/${f1.id}/reports/1/decision`, { accept: true }));

  day('03-02');
  const f2 = await assignedCase(t.ctx, 'LE01');
  ok(await L.post(`/cases/${f2.id}/sign`));
  await watchCaughtUp(f2.id);
  t.ctx.clock.set(new Date('2026-03-27T02:00:00Z'));
  await sweepNow(t.ctx);
  await until(() => Case.findOne({ _id: f2.id, typicalListedAt: { $ne: null } }).lean());
  c1 = { id: f1.id, number: f1.number };
  c2 = { id: f2.id, number: f2.number };
  activeUnits = await Unit.countDocuments({ active: true });

  day('04-01');
  await givenUser('commission', { username: 'notifier' });
  staff = browser(t.app);
  await staff.login('notifier', PASSWORD);
});

let first = '';

describe('a typical-case notice', () => {
  it('when the commission opens a new notice, then the level-3 list offers the listed case only', async () => {
    const html = (await staff.agent.get('/commission/bulletins/new').expect(200)).text;
    expect(html).toContain(`data-listed="${c2.number}"`);
    expect(html).not.toContain(`data-listed="${c1.number}"`);
  });

  it('when a draft is made from the list and a number, then each case is prefilled from its record and the filer is nowhere', async () => {
    first = await draft({ caseIds: [c2.id], caseNumbers: c1.number });
    const b = (await Bulletin.findById(first).lean())!;
    expect(b.status).toBe('draft');
    expect(b.items.map((i) => i.caseNumber)).toEqual([c2.number, c1.number]);
    expect(b.items.map((i) => i.unitName)).toEqual([(await unitByCode('LE01')).nameZh, (await unitByCode('WS01')).nameZh]);
    // The reply named the filer: the prefill carries it with the name blanked out.
    expect(b.items[1]!.outcome).toContain('×××您好');
    expect(b.items[0]!.handling).toContain('三级 通报');
    // c2 missed its deadline; c1 was accepted before it: each item's first sentence says which.
    expect(b.items[0]!.happened).toContain('未按期整改到位');
    expect(b.items[1]!.happened).toContain('已按期整改到位');
    expect(b.items[1]!.happened).not.toContain('未按期');
    expectNoFiler(JSON.stringify(b));
    const edit = (await staff.agent.get(`/commission/bulletins/${first}/edit`).expect(200)).text;
    expectNoFiler(edit);
  });

  it("when a summary holds the filer's name, phone (spaced) or email, then 400 names each field and nothing changes", async () => {
    const before = JSON.stringify((await Bulletin.findById(first).lean())!.items);
    const res = await post(staff, `/commission/bulletins/${first}/edit`, `/commission/bulletins/${first}`, {
      title: '关于典型案件的通报',
      'items.0.happened': `投诉人${FILER.name}反映窗口推诿。`,
      'items.0.handling': '已督办。',
      'items.0.outcome': `回访电话 ${FILER.phone.slice(0, 3)} ${FILER.phone.slice(3, 7)} ${FILER.phone.slice(7)}`,
      'items.1.happened': '窗口推诿。',
      'items.1.handling': `邮件 ${FILER.email.toUpperCase()}`,
      'items.1.outcome': '已整改。',
    });
    expect(res.status).toBe(400);
    for (const f of ['items-0-happened', 'items-0-outcome', 'items-1-handling']) expect(res.text).toContain(`id="${f}-error"`);
    expect(res.text).not.toContain('id="items-1-happened-error"');
    expect(JSON.stringify((await Bulletin.findById(first).lean())!.items)).toBe(before);
  });

  it('when a draft is edited, then the new summaries are kept', async () => {
    const res = await post(staff, `/commission/bulletins/${first}/edit`, `/commission/bulletins/${first}`, {
      title: '关于2起不作为典型案件的通报',
      'items.0.happened': '某执法部门对企业反映的问题逾期不办。',
      'items.0.handling': '经催办、督办仍未整改，列入通报。',
      'items.0.outcome': '责令限期整改，并约谈单位负责人。',
      'items.1.happened': '县政务大厅窗口推诿企业开办申请。',
      'items.1.handling': '交办后按期整改。',
      'items.1.outcome': '企业开办申请已办结，窗口负责人作书面检查。',
    });
    expect(res.status).toBe(303);
    const b = (await Bulletin.findById(first).lean())!;
    expect(b.title).toBe('关于2起不作为典型案件的通报');
    expect(b.items.map((i) => i.outcome)).toEqual(['责令限期整改，并约谈单位负责人。', '企业开办申请已办结，窗口负责人作书面检查。']);
  });

  it("when it is issued, then it is numbered 〔2026〕通报第1号 and every active unit's head gets it once, without the filer", async () => {
    expect((await issue(first)).status).toBe(303);
    const b = (await Bulletin.findById(first).lean())!;
    expect([b.status, b.year, b.seq]).toEqual(['issued', 2026, 1]);
    const mails = await t.smtp.waitForMails(activeUnits, 60000);
    const mine = mails.filter((m) => m.subject.includes('〔2026〕通报第1号'));
    expect(mine).toHaveLength(activeUnits);
    const to = mine.flatMap((m) => m.to).sort();
    const heads = (await Unit.find({ active: true }, { code: 1 }).lean()).map((u) => headEmail(u.code)).sort();
    expect(to).toEqual(heads);
    for (const m of mine) {
      expectNoFiler(m.text + m.subject + m.headers);
      expect(m.text).toContain('责令限期整改，并约谈单位负责人。');
    }
    // The job again (a retry, a second worker): no mail is owed twice.
    await bulletinMailsJob.handle({ ...t.ctx, mailer: createMailer(t.ctx.config.SMTP_URL, t.ctx.config.MAIL_FROM), registry }, { bulletinId: first }, { updateProgress: async () => undefined } as never);
    expect(await Notification.countDocuments({ key: new RegExp(`^bulletin:${first}:`) })).toBe(activeUnits);

    const show = (await staff.agent.get(`/commission/bulletins/${first}`).expect(200)).text;
    const print = (await staff.agent.get(`/commission/bulletins/${first}/print`).expect(200)).text;
    expect(print).toContain('〔2026〕通报第1号');
    for (const page of [show, print]) expectNoFiler(page);
  });

  it('when an issued notice is edited or issued again, then 409 and nothing changes', async () => {
    const before = JSON.stringify(await Bulletin.findById(first).lean());
    const edit = await post(staff, `/commission/bulletins/${first}`, `/commission/bulletins/${first}`, { title: '改过的标题', 'items.0.happened': 'x', 'items.0.handling': '', 'items.0.outcome': 'y', 'items.1.happened': 'x', 'items.1.handling': '', 'items.1.outcome': 'y' });
    expect(edit.status).toBe(409);
    expect((await issue(first)).status).toBe(409);
    expect(JSON.stringify(await Bulletin.findById(first).lean())).toBe(before);
  });

  it('when it is published, then publishedBulletins gives number, title, date and anonymous items', async () => {
    expect((await post(staff, `/commission/bulletins/${first}`, `/commission/bulletins/${first}/publish`, { published: 'true' })).status).toBe(303);
    const out = await publishedBulletins(5);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ number: '〔2026〕通报第1号', title: '关于2起不作为典型案件的通报', corrects: null });
    expect(out[0]!.issuedAt).toBeInstanceOf(Date);
    expect(out[0]!.items).toEqual([
      { unitName: expect.any(String), summary: '某执法部门对企业反映的问题逾期不办。 经催办、督办仍未整改，列入通报。', outcome: '责令限期整改，并约谈单位负责人。' },
      { unitName: expect.any(String), summary: '县政务大厅窗口推诿企业开办申请。 交办后按期整改。', outcome: '企业开办申请已办结，窗口负责人作书面检查。' },
    ]);
    const text = JSON.stringify(out);
    expectNoFiler(text);
    expect(text).not.toContain(c1.number);
  });

  it('when a correction is issued, then it cites the old notice and the old one shows it was corrected', async () => {
    const form = (await staff.agent.get(`/commission/bulletins/new?corrects=${first}`).expect(200)).text;
    expect(form).toContain('id="correction-of"');
    const correction = await draft({ corrects: first, title: '关于2起不作为典型案件的通报（更正）' });
    const b = (await Bulletin.findById(correction).lean())!;
    expect(String(b.corrects)).toBe(first);
    expect(b.items).toHaveLength(2);
    // A second correction of the same notice, drafted meanwhile (outside attack: both were issued).
    const rival = await draft({ corrects: first, title: '关于2起不作为典型案件的通报（再更正）' });
    expect((await issue(correction)).status).toBe(303);
    expect((await Bulletin.findById(correction).lean())!.seq).toBe(2);
    expect(String((await Bulletin.findById(first).lean())!.correctedBy)).toBe(correction);
    expect((await issue(rival)).status).toBe(409);
    expect((await Bulletin.findById(rival).lean())).toMatchObject({ status: 'draft', seq: null });
    const newer = (await staff.agent.get(`/commission/bulletins/${correction}`).expect(200)).text;
    const older = (await staff.agent.get(`/commission/bulletins/${first}`).expect(200)).text;
    expect(/id="bulletin-corrects">[^<]*<a[^>]*>([^<]+)</.exec(newer)![1]).toBe('〔2026〕通报第1号');
    expect(/id="bulletin-corrected-by">[^<]*<a[^>]*>([^<]+)</.exec(older)![1]).toBe('〔2026〕通报第2号');
    expect((await staff.agent.get(`/commission/bulletins/${correction}/print`).expect(200)).text).toContain('〔2026〕通报第1号');
  });

  it('when two drafts are issued at the same instant, then they take the next two numbers, no gap, no repeat', async () => {
    const [a, b] = [await draft({ caseNumbers: c1.number }), await draft({ caseNumbers: c2.number })];
    const results = await Promise.all([issue(a), issue(b)]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const seqs = (await Bulletin.find({ _id: { $in: [a, b] } }, { seq: 1 }).lean()).map((x) => x.seq).sort();
    expect(seqs).toEqual([3, 4]);
    expect((await BulletinNumber.find({ year: 2026 }).lean()).map((n) => n.seq).sort()).toEqual([1, 2, 3, 4]);
  });

  it('when an item has no unit (a case still in triage), then issuing it is 400 naming the item and the draft stays a draft', async () => {
    const phone = await givenUser('commission');
    const waiting = await fileComplaint(t.ctx, { categoryCode: 'other', description: '来电反映：希望了解办事指南的更新时间。' }, { channel: 'phone', userId: phone._id });
    await until(() => Case.findOne({ _id: waiting.id, routedAt: { $ne: null } }).lean());
    const id = await draft({ caseNumbers: waiting.number });
    const before = JSON.stringify(await Bulletin.findById(id).lean());
    const res = await issue(id);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-field="items.0.unit"');
    expect(res.text).toContain('该案件没有承办单位');
    expect(JSON.stringify(await Bulletin.findById(id).lean())).toBe(before);
    await Bulletin.deleteOne({ _id: id });
  });

  it('when an unknown case number is added, then 400 names the field and no draft is made', async () => {
    const before = await Bulletin.countDocuments();
    const res = await post(staff, '/commission/bulletins/new', '/commission/bulletins', { title: '测试通报', caseNumbers: 'NO-SUCH-1' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="caseNumbers-error"');
    expect(await Bulletin.countDocuments()).toBe(before);
  });

  it('when unit staff or a supervisor open the notices, then 403; an administrator reads but cannot write', async () => {
    for (const role of ['unit', 'supervisor', 'admin'] as const) {
      const user = await givenUser(role, { unitCode: role === 'unit' ? 'WS01' : undefined });
      const b = browser(t.app);
      await b.login(user.username, PASSWORD);
      const reads = ['/commission/bulletins', `/commission/bulletins/${first}`, `/commission/bulletins/${first}/print`];
      for (const path of reads) expect([role, path, (await b.agent.get(path)).status]).toEqual([role, path, role === 'admin' ? 200 : 403]);
      expect((await b.agent.get('/commission/bulletins/new')).status).toBe(403);
      const csrf = await b.csrf('/account/tokens');
      for (const path of ['/commission/bulletins', `/commission/bulletins/${first}/publish`, `/commission/bulletins/${first}/issue`]) {
        expect([role, path, (await b.agent.post(path).type('form').send({ _csrf: csrf, title: 'x', published: 'false' })).status]).toEqual([role, path, 403]);
      }
    }
  });

  it('when the API is asked with a commission token, then it lists the notices and gives one; a unit token is 403', async () => {
    const api = await apiAs(t.app, 'commission');
    const list = await api.get('/bulletins').expect(200);
    expect(list.body.bulletins.map((b: { number: string | null }) => b.number).filter(Boolean).sort()).toEqual(['〔2026〕通报第1号', '〔2026〕通报第2号', '〔2026〕通报第3号', '〔2026〕通报第4号']);
    const one = await api.get(`/bulletins/${first}`).expect(200);
    expect(one.body).toMatchObject({ id: first, number: '〔2026〕通报第1号', status: 'issued', published: true, corrects: null, correctedBy: expect.any(String) });
    expect(one.body.items.map((i: { caseNumber: string }) => i.caseNumber)).toEqual([c2.number, c1.number]);
    expectNoFiler(JSON.stringify(list.body) + JSON.stringify(one.body));
    await (await apiAs(t.app, 'unit', 'WS01')).get('/bulletins').expect(403);
    await (await apiAs(t.app, 'supervisor')).get(`/bulletins/${first}`).expect(403);
  });
});
