import request from 'supertest';
import { Types } from 'mongoose';
import { createApiToken } from '../../src/auth/auth.service';
import { Campaign } from '../../src/campaigns/campaign.model';
import { createCampaign } from '../../src/campaigns/campaign.service';
import { Letter } from '../../src/campaigns/letter.model';
import { Returner } from '../../src/campaigns/returner.model';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser, formTokens } from '../helpers/http';

const t = useTestApp();
let staff: ReturnType<typeof browser>;
let staffUser: Awaited<ReturnType<typeof givenUser>>;
let chen: Awaited<ReturnType<typeof givenUser>>;
let liu: Awaited<ReturnType<typeof givenUser>>;

beforeEach(async () => {
  staffUser = await givenUser('commission', { username: 'jiwei' });
  chen = await givenUser('supervisor', { username: 'jdy-chen' });
  liu = await givenUser('supervisor', { username: 'jdy-liu' });
  staff = browser(t.app);
  expect((await staff.login('jiwei')).status).toBe(302);
});

async function givenCampaign(title = '2026 年度征求意见函') {
  return createCampaign(t.ctx, { title, year: 2026, startDate: '2026-01-05', endDate: '2026-06-30' }, staffUser._id);
}

/** Opens a page, takes its CSRF token (and the form's idempotency key), and posts the form. */
async function submit(session: ReturnType<typeof browser>, formPath: string, action: string, fields: Record<string, string>) {
  const page = await session.agent.get(formPath).expect(200);
  const { csrf, idempotencyKey } = formTokens(page.text);
  return session.agent
    .post(action)
    .type('form')
    .send({ _csrf: csrf, ...(idempotencyKey ? { idempotencyKey } : {}), ...fields });
}

const postCampaign = (fields: Record<string, string>) => submit(staff, '/commission/campaigns', '/commission/campaigns', fields);

const postLetter = (campaignId: string, fields: Record<string, string>) =>
  submit(staff, `/commission/campaigns/${campaignId}/letters/new`, `/commission/campaigns/${campaignId}/letters`, fields);

const postDistribution = (campaignId: string, fields: Record<string, string>) =>
  submit(staff, `/commission/campaigns/${campaignId}`, `/commission/campaigns/${campaignId}/distributions`, fields);

const opinion = (block: number, categoryCode: string, description: string, unitId = '') => ({
  [`opinions.${block}.categoryCode`]: categoryCode,
  [`opinions.${block}.unitId`]: unitId,
  [`opinions.${block}.description`]: description,
});

async function counts() {
  const [letters, cases, returners, complainants] = await Promise.all([
    Letter.countDocuments(),
    Case.countDocuments(),
    Returner.countDocuments(),
    Complainant.countDocuments(),
  ]);
  return { letters, cases, returners, complainants };
}

describe('campaigns', () => {
  it('when staff create a campaign on the page, then it is saved and listed', async () => {
    const res = await postCampaign({ title: '2026 年度征求意见函', year: '2026', startDate: '2026-01-05', endDate: '2026-06-30' });
    expect(res.status).toBe(303);
    const saved = await Campaign.findOne().lean();
    expect(saved).toMatchObject({ title: '2026 年度征求意见函', year: 2026, startDate: '2026-01-05', endDate: '2026-06-30', distributions: [] });
    expect(String(saved!.createdBy)).toBe(String(staffUser._id));
    expect(res.headers.location).toBe(`/commission/campaigns/${String(saved!._id)}`);

    const list = await staff.agent.get('/commission/campaigns').expect(200);
    expect(list.text).toContain('2026 年度征求意见函');
  });

  it('when the campaign form has errors, then it is shown again with each error next to its field, the input kept, and nothing saved', async () => {
    const res = await postCampaign({ title: '<b>春季</b>', year: 'abc', startDate: '2026-06-30', endDate: '2026-01-05' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="year-error"');
    expect(res.text).toContain('id="endDate-error"');
    expect(res.text).toContain('结束日期不能早于开始日期');
    expect(res.text).toContain('value="&lt;b&gt;春季&lt;/b&gt;"');
    expect(await Campaign.countDocuments()).toBe(0);
  });

  it('when letters handed out are recorded for two supervisors, then each has one entry with the latest number', async () => {
    const id = await givenCampaign();
    expect((await postDistribution(id, { supervisorId: String(chen._id), letters: '1000' })).status).toBe(303);
    expect((await postDistribution(id, { supervisorId: String(liu._id), letters: '1200' })).status).toBe(303);
    // A correction, then the same form sent twice: still one entry per supervisor.
    expect((await postDistribution(id, { supervisorId: String(liu._id), letters: '1500' })).status).toBe(303);
    expect((await postDistribution(id, { supervisorId: String(liu._id), letters: '1500' })).status).toBe(303);

    const saved = await Campaign.findById(id).lean();
    expect(saved!.distributions.map((d) => [String(d.supervisorId), d.letters])).toEqual([
      [String(chen._id), 1000],
      [String(liu._id), 1500],
    ]);
    const page = await staff.agent.get(`/commission/campaigns/${id}`).expect(200);
    expect(page.text).toMatch(/id="stat-distributed">2500</);
  });

  it('when a letter with three opinions is recorded, then three routed campaign cases link to it and the returner is stored apart', async () => {
    const id = await givenCampaign();
    const le01 = await unitByCode('LE01');
    const res = await postLetter(id, {
      receivedOn: '2026-02-27',
      collectedBy: String(chen._id),
      returnerName: '赵六',
      returnerUnit: '城关镇个体户',
      returnerPhone: '13722223333',
      ...opinion(0, 'attitude', '县公安局户籍窗口工作人员态度生硬，不愿解释。', String(le01._id)),
      ...opinion(1, 'efficiency', '不动产登记要求的材料反复变化，跑了五趟。'),
      ...opinion(3, 'business_env', '开发区企业用电报装审批时间过长，影响投产。'),
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/commission/campaigns/${id}?recorded=3`);

    const letter = await Letter.findOne().lean();
    expect(letter).toMatchObject({ receivedOn: '2026-02-27', opinionCount: 3 });
    expect(String(letter!.campaignId)).toBe(id);
    expect(String(letter!.collectedBy)).toBe(String(chen._id));
    const cases = await Case.find().sort({ number: 1 }).lean();
    expect(cases).toHaveLength(3);
    expect(letter!.caseIds.map(String).sort()).toEqual(cases.map((c) => String(c._id)).sort());
    for (const c of cases) {
      expect(c).toMatchObject({ channel: 'campaign', status: 'submitted', routingQueued: true });
      expect(String(c.campaignId)).toBe(id);
      expect(String(c.letterId)).toBe(String(letter!._id));
      expect(String(c.filedBy)).toBe(String(staffUser._id));
      expect(await t.ctx.queues.get('routing').getJob(`route-${String(c._id)}`)).toBeTruthy();
    }
    expect(cases.map((c) => c.categoryCode)).toEqual(['attitude', 'efficiency', 'business_env']);
    expect(String(cases[0]!.targetUnitId)).toBe(String(le01._id));

    const returner = await Returner.findOne({ letterId: letter!._id }).lean();
    expect(returner).toMatchObject({ name: '赵六', unit: '城关镇个体户', phone: '13722223333' });
    const readable = JSON.stringify([cases, letter, await Complainant.find().lean()]);
    expect(readable).not.toMatch(/赵六|城关镇个体户|13722223333/);

    const page = await staff.agent.get(res.headers.location!).expect(200);
    for (const c of cases) expect(page.text).toContain(`data-case="${c.number}"`);
    expect(page.text).toContain('生成 3 件案件');
    expect(page.text).not.toMatch(/赵六|13722223333/);
  });

  it('when the same letter form is sent twice, then the letter and its cases are recorded once', async () => {
    const id = await givenCampaign();
    const page = await staff.agent.get(`/commission/campaigns/${id}/letters/new`).expect(200);
    const { csrf, idempotencyKey } = formTokens(page.text);
    const form = {
      _csrf: csrf,
      idempotencyKey,
      receivedOn: '2026-02-27',
      ...opinion(0, 'inaction', '乡镇干部五天四夜值班制度没有落实。'),
      ...opinion(1, 'conduct', '工作日午餐饮酒，饭局超过一小时。'),
    };
    const [a, b] = await Promise.all([
      staff.agent.post(`/commission/campaigns/${id}/letters`).type('form').send(form),
      staff.agent.post(`/commission/campaigns/${id}/letters`).type('form').send(form),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await counts()).toMatchObject({ letters: 1, cases: 2 });
    expect((await Letter.findOne().lean())!.caseIds).toHaveLength(2);
  });

  it('when opinions come back and one is resolved, then the figures show distributed, returned, rate, opinions and resolved', async () => {
    const id = await givenCampaign();
    const fresh = await staff.agent.get(`/commission/campaigns/${id}`).expect(200);
    expect(fresh.text).toMatch(/id="stat-rate">—</);

    await postDistribution(id, { supervisorId: String(chen._id), letters: '10' });
    await postDistribution(id, { supervisorId: String(liu._id), letters: '20' });
    expect(
      (await postLetter(id, {
        receivedOn: '2026-02-20',
        collectedBy: String(chen._id),
        ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。'),
        ...opinion(1, 'favours', '某站所工作人员暗示送礼才给办证。'),
      })).status,
    ).toBe(303);
    expect((await postLetter(id, { receivedOn: '2026-02-21', ...opinion(0, 'other', '希望纪委多公开办理结果，接受群众监督。') })).status).toBe(303);
    const one = await Case.findOne({ categoryCode: 'favours' }).lean();
    await Case.updateOne({ _id: one!._id }, { $set: { status: 'resolved' } });

    const page = await staff.agent.get(`/commission/campaigns/${id}`).expect(200);
    expect(page.text).toMatch(/id="stat-distributed">30</);
    expect(page.text).toMatch(/id="stat-returned">2</);
    expect(page.text).toMatch(/id="stat-rate">6\.7%</);
    expect(page.text).toMatch(/id="stat-opinions">3</);
    expect(page.text).toMatch(/id="stat-resolved">1</);

    const token = await createApiToken(staffUser._id, 'stats');
    const api = await request(t.app).get(`/api/v1/campaigns/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(api.body.stats).toMatchObject({ distributed: 30, returned: 2, returnRate: 6.7, opinions: 3, resolved: 1, unattributed: 1 });
    expect(api.body.stats.supervisors).toEqual([
      { supervisorId: String(chen._id), name: chen.displayName, distributed: 10, returned: 1 },
      { supervisorId: String(liu._id), name: liu.displayName, distributed: 20, returned: 0 },
    ]);
    const list = await request(t.app).get('/api/v1/campaigns').set('Authorization', `Bearer ${token}`).expect(200);
    expect(list.body.campaigns).toEqual([expect.objectContaining({ id, distributed: 30, returned: 2, returnRate: 6.7 })]);
  });
});

describe('bad input saves nothing', () => {
  let id: string;
  beforeEach(async () => {
    id = await givenCampaign();
  });

  it('when a letter has no opinions, then the form says so in the user\'s language, keeps the input and saves nothing', async () => {
    const before = await counts();
    const res = await postLetter(id, { receivedOn: '2026-02-27', returnerName: '钱七', ...opinion(0, '', ''), ...opinion(1, '', '') });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="opinions-error"');
    expect(res.text).toContain('请至少填写一条意见');
    expect(res.text).toContain('value="钱七"');
    expect(await counts()).toEqual(before);

    await staff.agent.get('/?lang=en').expect(200);
    const en = await postLetter(id, { receivedOn: '2026-02-27' });
    expect(en.status).toBe(400);
    expect(en.text).toContain('Fill in at least one opinion');
  });

  it('when one opinion has a 5-character description, then that opinion\'s field shows the error and no letter or case is saved', async () => {
    const before = await counts();
    const res = await postLetter(id, {
      receivedOn: '2026-02-27',
      returnerPhone: '13722223333',
      ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。'),
      ...opinion(2, 'other', '五个字而已'),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="opinions.2.description-error"');
    expect(res.text).toContain('内容太短');
    expect(res.text).not.toContain('id="opinions.0.description-error"');
    expect(res.text).toContain('县医院挂号窗口服务态度差，不耐烦。');
    expect(await counts()).toEqual(before);
  });

  it('when an opinion names an unknown category, then the form says so next to it and nothing is saved', async () => {
    const before = await counts();
    const res = await postLetter(id, {
      receivedOn: '2026-02-27',
      ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。'),
      ...opinion(1, 'no-such-category', '这是一段足够长的意见内容文字。'),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="opinions.1.categoryCode-error"');
    expect(res.text).toContain('请选择有效的类别');
    expect(await counts()).toEqual(before);
  });

  it('when the letter is dated after today or before the campaign, or names a non-supervisor as collector, then nothing is saved', async () => {
    const before = await counts();
    const res = await postLetter(id, {
      receivedOn: '2026-03-03', // the test clock says 2026-03-02
      collectedBy: String(staffUser._id),
      ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。'),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="receivedOn-error"');
    expect(res.text).toContain('id="collectedBy-error"');
    const early = await postLetter(id, { receivedOn: '2026-01-04', ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。') });
    expect(early.status).toBe(400);
    expect(early.text).toContain('早于活动开始日期');
    expect(await counts()).toEqual(before);
  });

  it('when the campaign does not exist, then its pages answer 404 and nothing is saved', async () => {
    const before = await counts();
    await staff.agent.get('/commission/campaigns/not-an-id').expect(404);
    const missing = String(new Types.ObjectId());
    await staff.agent.get(`/commission/campaigns/${missing}/letters/new`).expect(404);
    const csrf = await staff.csrf('/commission/campaigns');
    await staff.agent
      .post(`/commission/campaigns/${missing}/letters`)
      .type('form')
      .send({ _csrf: csrf, receivedOn: '2026-02-27', ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。') })
      .expect(404);
    expect(await counts()).toEqual(before);
  });

  it('when the letters handed out are -1, then the number is refused and nothing changes', async () => {
    await postDistribution(id, { supervisorId: String(chen._id), letters: '100' });
    const res = await postDistribution(id, { supervisorId: String(chen._id), letters: '-1' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="letters-error"');
    expect(res.text).toContain('数值超出允许范围');
    expect(res.text).toContain('value="-1"');
    const saved = await Campaign.findById(id).lean();
    expect(saved!.distributions.map((d) => d.letters)).toEqual([100]);
  });

  it('when the distributor is not a special supervisor, then it is refused and nothing is saved', async () => {
    const unitStaff = await givenUser('unit', { unitCode: 'LE01' });
    for (const who of [unitStaff._id, staffUser._id, new Types.ObjectId()]) {
      const res = await postDistribution(id, { supervisorId: String(who), letters: '50' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="supervisorId-error"');
    }
    expect((await Campaign.findById(id).lean())!.distributions).toEqual([]);
  });

  it('when a form is posted without the CSRF token, then it is refused and nothing is saved', async () => {
    const before = await counts();
    const letter = await staff.agent
      .post(`/commission/campaigns/${id}/letters`)
      .type('form')
      .send({ receivedOn: '2026-02-27', ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。') });
    expect(letter.status).toBe(403);
    const distribution = await staff.agent
      .post(`/commission/campaigns/${id}/distributions`)
      .type('form')
      .send({ supervisorId: String(chen._id), letters: '10' });
    expect(distribution.status).toBe(403);
    const campaign = await staff.agent.post('/commission/campaigns').type('form').send({ title: 'x', year: '2026', startDate: '2026-01-01', endDate: '2026-02-01' });
    expect(campaign.status).toBe(403);
    expect(await counts()).toEqual(before);
    expect(await Campaign.countDocuments()).toBe(1);
    expect((await Campaign.findById(id).lean())!.distributions).toEqual([]);
  });
});

describe('who may see campaigns', () => {
  it('when a unit user opens the campaign pages or posts to them, then they get 403 and nothing is saved', async () => {
    const id = await givenCampaign();
    const unitStaff = await givenUser('unit', { username: 'unit-le01', unitCode: 'LE01' });
    const unit = browser(t.app);
    await unit.login('unit-le01');
    for (const path of ['/commission/campaigns', `/commission/campaigns/${id}`, `/commission/campaigns/${id}/letters/new`]) {
      expect((await unit.agent.get(path)).status).toBe(403);
    }
    const csrf = await unit.csrf('/account/tokens');
    const before = await counts();
    const res = await unit.agent
      .post(`/commission/campaigns/${id}/letters`)
      .type('form')
      .send({ _csrf: csrf, receivedOn: '2026-02-27', ...opinion(0, 'attitude', '县医院挂号窗口服务态度差，不耐烦。') });
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);

    const token = await createApiToken(unitStaff._id, 'unit');
    await request(t.app).get(`/api/v1/campaigns/${id}`).set('Authorization', `Bearer ${token}`).expect(403);
  });
});
