import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { DeadlinePolicy } from '../../src/routing/deadline-policy.model';
import { workingDaysFor } from '../../src/routing/deadline.service';
import { RoutingRule } from '../../src/routing/routing-rule.model';
import { createRule } from '../../src/routing/routing-rule.service';
import { routeCase } from '../../src/routing/routing.service';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser } from '../helpers/http';

// Monday 2026-03-02, 10:00 county time: no holiday in the weeks after, so deadlines are plain.
const NOW = new Date('2026-03-02T02:00:00Z');

const t = useTestApp();

beforeEach(() => {
  t.ctx.clock.set(NOW);
});

async function asAdmin() {
  await givenUser('admin', { username: 'root' });
  const b = browser(t.app);
  const res = await b.login('root');
  expect(res.status).toBe(302); // logged in: sent on to the home page
  return b;
}

/** Posts a rule form (new: /admin/rules; edit: /admin/rules/<id>) with that page's CSRF token, as a browser does. */
async function postRule(b: ReturnType<typeof browser>, fields: Record<string, string | string[]>, path = '/admin/rules') {
  const csrf = await b.csrf(path);
  return b.agent.post(path).type('form').send({ _csrf: csrf, ...fields });
}

/** Files a complaint the way the public form does, then routes it as the worker would. */
async function fileAndRoute(input: { categoryCode?: string; description: string; unitCode?: string; place?: string }) {
  const unitId = input.unitCode ? String((await unitByCode(input.unitCode))._id) : undefined;
  const filed = await fileComplaint(t.ctx, { categoryCode: input.categoryCode ?? 'other', description: input.description, unitId, place: input.place }, { channel: 'web' });
  const outcome = await routeCase(t.ctx, filed.id);
  const c = await Case.findById(filed.id).lean();
  return { outcome, c: c! };
}

/** Every cell of the deadline form as the page shows it, so a post sends the whole table like a browser. */
function deadlineForm(html: string): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const m of html.matchAll(/name="(days\.[^"]+)"[^>]*value="([^"]*)"/g)) cells[m[1]!] = m[2]!;
  return cells;
}

const snapshot = async () => ({
  rules: await RoutingRule.find().sort({ _id: 1 }).lean(),
  policies: await DeadlinePolicy.find().sort({ categoryCode: 1, priority: 1 }).lean(),
});

describe('routing rules kept by the administrator', () => {
  it('when the admin adds a keyword rule through the page, then a complaint mentioning the keyword goes to that unit, urgent, due in 3 working days', async () => {
    const b = await asAdmin();
    const cm02 = await unitByCode('CM02');
    const csrf = await b.csrf('/admin/rules');
    await b.agent
      .post('/admin/rules')
      .type('form')
      .send({ _csrf: csrf, name: '招商引资问题交经贸委', order: '10', keywords: '招商', unitId: String(cm02._id), priority: 'urgent' })
      .expect(303)
      .expect('location', '/admin/rules');

    const saved = await RoutingRule.findOne({ name: '招商引资问题交经贸委' }).lean();
    expect(saved).toMatchObject({ order: 10, active: true, keywords: ['招商'], categoryCodes: [], places: [], useNamedUnit: false, priority: 'urgent' });
    expect(String(saved!.unitId)).toBe(String(cm02._id));

    const page = await b.agent.get('/admin/rules').expect(200);
    expect(page.text).toContain('招商引资问题交经贸委');
    expect(page.text).toContain('县经济贸易委员会');
    expect(page.text).toContain('内容含任一关键词：招商');
    expect(page.text).toContain('投诉人指明的单位'); // the seeded rule, in words

    const { outcome, c } = await fileAndRoute({ categoryCode: 'business_env', description: '开发区招商时承诺的优惠政策至今没有兑现，多次找人无果。' });
    expect(outcome).toBe('assigned');
    expect(c.status).toBe('assigned');
    expect(String(c.assignedUnitId)).toBe(String(cm02._id));
    expect(c.priority).toBe('urgent');
    expect(c.deadlineDays).toBe(3);
    // Start day not counted: Tue 03, Wed 04, Thu 05 March; due at the end of the 5th, county time.
    expect(c.deadlineDate).toBe('2026-03-05');
    expect(c.deadlineAt?.toISOString()).toBe('2026-03-05T15:59:59.999Z');
    expect(c.timeline.find((e) => e.action === 'assigned')).toMatchObject({ actor: { kind: 'system' }, note: '招商引资问题交经贸委' });
  });

  it('when a complaint names a unit and mentions no keyword, then the seeded named-unit rule sends it to that unit', async () => {
    await createRule({ name: '招商', order: 10, categoryCodes: [], keywords: ['招商'], places: [], useNamedUnit: false, unitId: String((await unitByCode('CM02'))._id), priority: 'urgent' });
    const le01 = await unitByCode('LE01');
    const { outcome, c } = await fileAndRoute({ categoryCode: 'inaction', description: '派出所对邻居噪音扰民的报警一直不出警处理。', unitCode: 'LE01' });
    expect(outcome).toBe('assigned');
    expect(c.status).toBe('assigned');
    expect(String(c.assignedUnitId)).toBe(String(le01._id));
    expect(c.priority).toBe('normal');
    expect(c.deadlineDays).toBe(10);
  });

  it('when a complaint matches no rule and names no unit, then it waits for triage', async () => {
    const { outcome, c } = await fileAndRoute({ description: '反映某部门工作人员上班时间玩手机游戏。' });
    expect(outcome).toBe('triage');
    expect(c.status).toBe('triaged');
    expect(c.assignedUnitId ?? null).toBeNull();
    expect(c.routedAt).not.toBeNull();
    expect(c.timeline.at(-1)?.action).toBe('awaiting_triage');
  });

  it('when the admin switches the keyword rule off through the page, then the next such complaint goes to triage; switched on again, it routes again', async () => {
    const b = await asAdmin();
    const id = await createRule({ name: '招商', order: 10, categoryCodes: [], keywords: ['招商'], places: [], useNamedUnit: false, unitId: String((await unitByCode('CM02'))._id), priority: 'urgent' });
    const csrf = await b.csrf('/admin/rules');
    await b.agent.post(`/admin/rules/${id}/active`).type('form').send({ _csrf: csrf, active: 'false' }).expect(303);
    expect((await RoutingRule.findById(id).lean())?.active).toBe(false);
    const page = await b.agent.get('/admin/rules').expect(200);
    expect(page.text).toMatch(new RegExp(`data-rule="${id}" class="off"`));

    const off = await fileAndRoute({ description: '招商引资项目审批拖了半年没有结果。' });
    expect(off.outcome).toBe('triage');
    expect(off.c.status).toBe('triaged');
    expect(off.c.timeline.at(-1)?.action).toBe('awaiting_triage');

    await b.agent.post(`/admin/rules/${id}/active`).type('form').send({ _csrf: csrf, active: 'true' }).expect(303);
    const on = await fileAndRoute({ description: '招商引资项目审批拖了半年没有结果。' });
    expect(on.outcome).toBe('assigned');
  });

  it('when the admin edits a rule, then the form shows its values and the change is saved', async () => {
    const b = await asAdmin();
    const ws01 = await unitByCode('WS01');
    const id = await createRule({ name: '招商', order: 10, categoryCodes: [], keywords: ['招商'], places: [], useNamedUnit: false, unitId: String((await unitByCode('CM02'))._id), priority: 'urgent' });
    const form = await b.agent.get(`/admin/rules/${id}`).expect(200);
    expect(form.text).toContain('value="招商"');
    expect(form.text).toMatch(/<option value="urgent" selected>/);

    const csrf = await b.csrf(`/admin/rules/${id}`);
    await b.agent
      .post(`/admin/rules/${id}`)
      .type('form')
      .send({ _csrf: csrf, name: '窗口态度', order: '20', categoryCodes: ['attitude', 'efficiency'], keywords: '态度，推诿\n 刁难 ;', places: '城关镇、开发区', unitId: String(ws01._id), priority: 'complex' })
      .expect(303);
    const saved = await RoutingRule.findById(id).lean();
    expect(saved).toMatchObject({ name: '窗口态度', order: 20, categoryCodes: ['attitude', 'efficiency'], keywords: ['态度', '推诿', '刁难'], places: ['城关镇', '开发区'], priority: 'complex' });
    expect(String(saved!.unitId)).toBe(String(ws01._id));

    const { c } = await fileAndRoute({ categoryCode: 'efficiency', description: '办证窗口互相推诿，跑了五趟。', place: '开发区政务大厅' });
    expect(String(c.assignedUnitId)).toBe(String(ws01._id));
    expect(c.priority).toBe('complex');
    expect(c.deadlineDays).toBe(20);
  });

  it('when a rule has neither a unit nor "the unit the filer named", then the page says so next to the unit and nothing is saved', async () => {
    const b = await asAdmin();
    const before = await snapshot();
    const res = await postRule(b, { name: '无单位规则', order: '10', keywords: '招商', priority: 'normal' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="unitId-error">必填</);
    expect(res.text).toContain('value="无单位规则"'); // input kept
    expect(res.text).toContain('>招商</textarea>');
    expect(await snapshot()).toEqual(before);
  });

  it('when the order is not a number, then the page says so next to the order, keeps the input and saves nothing', async () => {
    const b = await asAdmin();
    const before = await snapshot();
    const res = await postRule(b, { name: '招商', order: 'abc', keywords: '招商', unitId: String((await unitByCode('CM02'))._id), priority: 'urgent' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="order-error">请填写整数</);
    expect(res.text).toContain('value="abc"');
    expect(await snapshot()).toEqual(before);
  });

  it('when an unknown category code is posted, then the page says so next to the categories and nothing is saved', async () => {
    const b = await asAdmin();
    const before = await snapshot();
    const res = await postRule(b, { name: '不存在的类别', order: '10', categoryCodes: ['attitude', 'no_such_thing'], unitId: String((await unitByCode('WS01'))._id), priority: 'normal' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="categoryCodes-error">请选择有效的类别</);
    expect(res.text).toContain('value="不存在的类别"');
    expect(await snapshot()).toEqual(before);
  });

  it('when a rule has no condition at all, then the page warns it would match every case and nothing is saved', async () => {
    const b = await asAdmin();
    const before = await snapshot();
    const res = await postRule(b, { name: '全部交公安', order: '10', unitId: String((await unitByCode('LE01'))._id), priority: 'normal' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('规则没有任何条件，会匹配所有案件');
    expect(await snapshot()).toEqual(before);
  });

  it('when every field is wrong at once, then every error is shown next to its field, in English too', async () => {
    const b = await asAdmin();
    await b.agent.get('/admin/rules?lang=en').expect(200);
    const words = Array.from({ length: 21 }, (_, i) => `词${i}`).join('\n');
    const res = await postRule(b, { name: 'x', order: '0', keywords: words, places: '城关镇\n' + '很'.repeat(31), priority: 'soon' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="name-error">Too short</);
    expect(res.text).toMatch(/id="order-error">Out of range</);
    expect(res.text).toMatch(/id="keywords-error">At most 20 entries</);
    expect(res.text).toMatch(/id="places-error">Each entry up to 30 characters</);
    expect(res.text).toMatch(/id="priority-error">Choose a priority</);
    expect(res.text).toMatch(/id="unitId-error">Required</);
    expect(await RoutingRule.countDocuments()).toBe(1);
  });

  it('when an edit is invalid, then the edit form comes back with the errors and the rule is unchanged', async () => {
    const b = await asAdmin();
    const id = await createRule({ name: '招商', order: 10, categoryCodes: [], keywords: ['招商'], places: [], useNamedUnit: false, unitId: String((await unitByCode('CM02'))._id), priority: 'urgent' });
    const before = await snapshot();
    const res = await postRule(b, { name: '招商引资', order: '12.5', keywords: '招商', useNamedUnit: 'on', priority: 'urgent' }, `/admin/rules/${id}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`action="/admin/rules/${id}"`);
    expect(res.text).toMatch(/id="order-error">请填写整数</);
    expect(res.text).toContain('value="招商引资"');
    expect(await snapshot()).toEqual(before);
  });

  it('when a rule id does not exist, then its pages answer 404', async () => {
    const b = await asAdmin();
    await b.agent.get('/admin/rules/0123456789abcdef01234567').expect(404);
    await b.agent.get('/admin/rules/not-an-id').expect(404);
    const csrf = await b.csrf('/admin/rules');
    await b.agent.post('/admin/rules/0123456789abcdef01234567/active').type('form').send({ _csrf: csrf, active: 'false' }).expect(404);
  });
});

describe('deadline policies kept by the administrator', () => {
  it('when the admin sets attitude/urgent to 2 working days, then the policy says 2 and a case routed urgent in that category is due in 2', async () => {
    const b = await asAdmin();
    const page = await b.agent.get('/admin/deadlines').expect(200);
    expect(page.text).toContain('全县默认');
    expect(page.text).toContain('窗口服务态度');
    expect(page.text).toMatch(/name="days\.\*\.urgent"[^>]*value="3"[^>]*placeholder="3"/);

    const cells = deadlineForm(page.text);
    expect(cells['days.attitude.urgent']).toBe('');
    expect(cells['days.*.complex']).toBe('20');
    const csrf = await b.csrf('/admin/deadlines');
    await b.agent
      .post('/admin/deadlines')
      .type('form')
      .send({ _csrf: csrf, ...cells, 'days.attitude.urgent': '2' })
      .expect(303)
      .expect('location', '/admin/deadlines?saved=1');

    expect(await workingDaysFor('attitude', 'urgent')).toBe(2);
    expect(await workingDaysFor('attitude', 'normal')).toBe(10);
    expect(await workingDaysFor('favours', 'urgent')).toBe(3);
    // Only the changed cell was written: the three default rows and the new one.
    expect(await DeadlinePolicy.countDocuments()).toBe(4);

    const after = await b.agent.get('/admin/deadlines?saved=1').expect(200);
    expect(after.text).toContain('办理时限已保存');
    expect(deadlineForm(after.text)['days.attitude.urgent']).toBe('2');

    await createRule({ name: '态度问题交窗口', order: 10, categoryCodes: ['attitude'], keywords: [], places: [], useNamedUnit: false, unitId: String((await unitByCode('WS01'))._id), priority: 'urgent' });
    const { c } = await fileAndRoute({ categoryCode: 'attitude', description: '窗口工作人员对办事群众大声呵斥。' });
    expect(c.status).toBe('assigned');
    expect(c.deadlineDays).toBe(2);
    expect(c.deadlineDate).toBe('2026-03-04');
  });

  it('when cells are emptied, then a category follows the default row again and the default row goes back to the shipped default', async () => {
    const b = await asAdmin();
    await DeadlinePolicy.create({ categoryCode: 'attitude', priority: 'urgent', workingDays: 2 });
    await DeadlinePolicy.updateOne({ categoryCode: '*', priority: 'normal' }, { $set: { workingDays: 7 } });
    expect(await workingDaysFor('attitude', 'normal')).toBe(7);

    const page = await b.agent.get('/admin/deadlines').expect(200);
    // An empty category cell shows what it falls back to: the default row's 7.
    expect(page.text).toMatch(/name="days\.attitude\.normal"[^>]*value=""[^>]*placeholder="7"/);
    const csrf = await b.csrf('/admin/deadlines');
    await b.agent
      .post('/admin/deadlines')
      .type('form')
      .send({ _csrf: csrf, ...deadlineForm(page.text), 'days.attitude.urgent': '', 'days.*.normal': '' })
      .expect(303);
    expect(await DeadlinePolicy.exists({ categoryCode: 'attitude' })).toBeNull();
    expect(await workingDaysFor('attitude', 'urgent')).toBe(3);
    expect(await workingDaysFor('attitude', 'normal')).toBe(10);
    expect((await DeadlinePolicy.findOne({ categoryCode: '*', priority: 'normal' }).lean())?.workingDays).toBe(10);
  });

  it('when a cell is 0 or not a number, then the table comes back with each error at its cell and nothing is saved', async () => {
    const b = await asAdmin();
    const before = await snapshot();
    const page = await b.agent.get('/admin/deadlines').expect(200);
    const csrf = await b.csrf('/admin/deadlines');
    const res = await b.agent
      .post('/admin/deadlines')
      .type('form')
      .send({ _csrf: csrf, ...deadlineForm(page.text), 'days.attitude.urgent': '0', 'days.*.normal': 'x', 'days.favours.complex': '367', 'days.conduct.urgent': '5' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="days\.attitude\.urgent-error">须为 1 至 366 个工作日</);
    expect(res.text).toMatch(/id="days\.\*\.normal-error">请填写整数</);
    expect(res.text).toMatch(/id="days\.favours\.complex-error">须为 1 至 366 个工作日</);
    // What was typed stays in the cells, the valid one included.
    expect(res.text).toMatch(/name="days\.\*\.normal"[^>]*value="x"/);
    expect(res.text).toMatch(/name="days\.conduct\.urgent"[^>]*value="5"/);
    expect(await snapshot()).toEqual(before);
    expect(await workingDaysFor('conduct', 'urgent')).toBe(3);
  });
});

describe('who may change routing', () => {
  it('when commission staff open the rule or deadline pages, then they get 403 and cannot post either', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    await b.agent.get('/admin/rules').expect(403);
    await b.agent.get('/admin/deadlines').expect(403);
    const before = await snapshot();
    const csrf = await b.csrf('/');
    await b.agent.post('/admin/deadlines').type('form').send({ _csrf: csrf, 'days.*.urgent': '1' }).expect(403);
    expect(await snapshot()).toEqual(before);
  });

  it('when nobody is logged in, then the pages send to the login page', async () => {
    const b = browser(t.app);
    await b.agent.get('/admin/rules').expect(302).expect('location', '/login?next=%2Fadmin%2Frules');
  });
});
