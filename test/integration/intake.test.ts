import request from 'supertest';
import mongoose from 'mongoose';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser, formTokens, readReceipt } from '../helpers/http';
import { until } from '../helpers/wait';

const t = useTestApp({ config: { INTAKE_LIMIT_PER_HOUR: '3' }, smtp: true, workers: true });

// A 1x1 PNG whose tEXt chunk names its author: the stored copy must not (see attachment-cleaning.test.ts).
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000001074455874417574686f72005a68616e672053616e4fb6d4720000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082', 'hex');
const TEXT = 'description of the problem, long enough';

/** Opens the public form and returns the agent, CSRF token and the form's idempotency key. */
async function openForm() {
  const b = browser(t.app);
  const page = await b.agent.get('/complaints/new').expect(200);
  const { csrf, idempotencyKey } = formTokens(page.text);
  return { b, csrf, key: idempotencyKey! };
}

async function file(fields: Record<string, string>) {
  const { b, csrf, key } = await openForm();
  const res = await b.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: key, ...fields });
  return { res, agent: b.agent };
}

async function track(code: string, secret: string, agent = browser(t.app)) {
  const csrf = await agent.csrf('/track');
  return agent.agent.post('/track').type('form').send({ _csrf: csrf, code, secret });
}

describe('public complaint with tracking code and secret', () => {
  it('when a citizen files with an email, then the receipt shows number, code and secret, and a receipt mail arrives without the secret', async () => {
    const { res, agent } = await file({ categoryCode: 'efficiency', description: '不动产登记窗口要求重复提交同一份材料三次。', email: 'citizen@example.cn', eventDate: '2026-02-27' });
    expect(res.status).toBe(303);
    const receipt = await readReceipt(agent);
    expect(receipt.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(receipt.secret).toMatch(/^[0-9A-Z]{16}$/);
    const who = await Complainant.findOne().lean();
    expect(who!.trackingCode).toBe(receipt.code);
    expect(JSON.stringify(who)).not.toContain(receipt.secret);
    const c = await Case.findOne().lean();
    expect(c!.eventDate).toBe('2026-02-27');

    const mails = await t.smtp.waitForMails(1);
    const mail = mails.find((m) => m.to.includes('citizen@example.cn'))!;
    expect(mail.text).toContain(receipt.number);
    expect(mail.text).toContain(receipt.code);
    expect(mail.text).not.toContain(receipt.secret);
  });

  it('when the code and secret are right, then the tracking page shows the status and a plain timeline', async () => {
    const { agent } = await file({ categoryCode: 'attitude', description: '医院挂号窗口工作人员对老人大声呵斥。' });
    const receipt = await readReceipt(agent);
    await until(() => Case.findOne({ routedAt: { $ne: null } }).lean());
    const page = await track(receipt.code.toLowerCase().replace('-', ' '), receipt.secret);
    expect(page.status).toBe(200);
    expect(page.text).toContain(receipt.number);
    expect(page.text).toContain('收到您的投诉');
    expect(page.text).toContain('等待纪委监委分办');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('when the secret is wrong, then the answer is the same as for an unknown code', async () => {
    const { agent } = await file({ categoryCode: 'attitude', description: '医院挂号窗口工作人员对老人大声呵斥。' });
    const receipt = await readReceipt(agent);
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/value="[^"]*"/g, '');
    const wrongSecret = await track(receipt.code, 'AAAAAAAAAAAAAAAA');
    const unknownCode = await track('ZZZZZ-ZZZZZ', receipt.secret);
    expect(wrongSecret.status).toBe(404);
    expect(unknownCode.status).toBe(404);
    expect(strip(wrongSecret.text)).toBe(strip(unknownCode.text));
    expect(wrongSecret.text).not.toContain(receipt.number);
  });

  it('when the citizen adds information, then it is on the case for the commission', async () => {
    const { agent } = await file({ categoryCode: 'favours', description: '开发区某科室办事人员索要购物卡。' });
    const receipt = await readReceipt(agent);
    const b = browser(t.app);
    const csrf = await b.csrf('/track');
    await b.agent.post('/track/supplement').type('form').send({ _csrf: csrf, code: receipt.code, secret: receipt.secret, text: '时间是三月二日上午十点左右。' }).expect(200);
    const c = await Case.findOne().lean();
    expect(c!.supplements.map((s) => s.text)).toEqual(['时间是三月二日上午十点左右。']);
    expect(c!.timeline.some((e) => e.action === 'supplemented')).toBe(true);
  });

  it('when the case is not resolved, then rating is refused and nothing is saved; once resolved it is saved once', async () => {
    const { agent } = await file({ categoryCode: 'efficiency', description: '供水公司报修一周无人上门处理。' });
    const receipt = await readReceipt(agent);
    const b = browser(t.app);
    const rate = async (rating: string) => {
      const csrf = await b.csrf('/track');
      return b.agent.post('/track/rate').type('form').send({ _csrf: csrf, code: receipt.code, secret: receipt.secret, rating, comment: '处理及时' });
    };
    expect((await rate('satisfied')).status).toBe(409);
    expect((await Case.findOne().lean())!.satisfaction).toBeNull();

    await Case.updateOne({}, { $set: { status: 'resolved' } }); // arrangement: the handling workflow comes later
    const ok = await rate('basically_satisfied');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('感谢您的评价');
    expect((await Case.findOne().lean())!.satisfaction).toMatchObject({ rating: 'basically_satisfied', comment: '处理及时' });
    expect((await rate('dissatisfied')).status).toBe(409);
    expect((await Case.findOne().lean())!.satisfaction!.rating).toBe('basically_satisfied');
  });

  it('when the same form is submitted twice (double click), then one case is filed and the receipt shows its secret', async () => {
    const { b, csrf, key } = await openForm();
    const fields = { _csrf: csrf, idempotencyKey: key, categoryCode: 'inaction', description: '乡镇干部工作日中午饮酒，下午不在岗。' };
    await b.agent.post('/complaints').type('form').send(fields).expect(303);
    await b.agent.post('/complaints').type('form').send(fields).expect(303);
    const receipt = await readReceipt(b.agent);
    expect(await Case.countDocuments()).toBe(1);
    // The secret shown after the repeat opens the case (shown once: see intake-secret.test.ts).
    expect((await track(receipt.code, receipt.secret)).status).toBe(200);
  });

  it('when one IP files more than the hourly limit, then it gets 429 and nothing more is saved', async () => {
    for (let i = 0; i < 3; i++) expect((await file({ categoryCode: 'other', description: `第${i + 1}件反映的问题，内容足够长。` })).res.status).toBe(303);
    const blocked = await file({ categoryCode: 'other', description: '第四件反映的问题，内容足够长。' });
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.headers['retry-after']).toBeDefined();
    expect(await Case.countDocuments()).toBe(3);
    // Showing the form is not counted.
    await request(t.app).get('/complaints/new').expect(200);
  });

  it('when the event date is in the future or not a date, then the field says so and nothing is saved', async () => {
    const future = await file({ categoryCode: 'other', description: TEXT, eventDate: '2099-01-01' });
    expect(future.res.status).toBe(400);
    expect(future.res.text).toContain('日期不能晚于今天');
    const bad = await file({ categoryCode: 'other', description: TEXT, eventDate: '2026-02-30' });
    expect(bad.res.status).toBe(400);
    expect(bad.res.text).toContain('id="eventDate-error"');
    expect(await Case.countDocuments()).toBe(0);
  });
});

describe('attachments', () => {
  async function upload(files: { name: string; data: Buffer }[]) {
    const { b, csrf, key } = await openForm();
    let req = b.agent
      .post(`/complaints?_csrf=${encodeURIComponent(csrf)}`)
      .field('idempotencyKey', key)
      .field('categoryCode', 'conduct')
      .field('description', '村干部工作时间聚众打牌，附现场照片。');
    for (const f of files) req = req.attach('attachments', f.data, f.name);
    return { res: await req, agent: b.agent };
  }

  it('when a photo is attached, then it is stored and the commission can open it', async () => {
    const { res } = await upload([{ name: '现场.png', data: PNG }]);
    expect(res.status).toBe(303);
    const c = await Case.findOne().lean();
    expect(c!.attachments).toHaveLength(1);
    expect(c!.attachments[0]).toMatchObject({ contentType: 'image/png', cleaned: true });
    expect(c!.attachments[0]!.filename).not.toContain('现场'); // uploaded names are not kept
    await givenUser('commission', { username: 'wang' });
    const staff = browser(t.app);
    await staff.login('wang');
    const file = await staff.agent.get(`/cases/${c!._id}/attachments/1`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect((file.body as Buffer).length).toBe(c!.attachments[0]!.size);
    expect((file.body as Buffer).toString('latin1')).not.toContain('Zhang San');
    expect((file.body as Buffer).subarray(0, 8)).toEqual(PNG.subarray(0, 8));
    // The public cannot.
    await request(t.app).get(`/cases/${c!._id}/attachments/1`).expect(302);
  });

  it('when a PDF is attached and the case is assigned, then the unit cannot open it (its metadata is not cleaned) but the commission can', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Author (Zhang San) >> endobj\ntrailer << >>\n%%EOF\n');
    const unit = await unitByCode('LE01');
    const { b, csrf, key } = await openForm();
    await b.agent
      .post(`/complaints?_csrf=${encodeURIComponent(csrf)}`)
      .field('idempotencyKey', key)
      .field('categoryCode', 'conduct')
      .field('unitId', String(unit._id))
      .field('description', '附上情况说明材料，请查处。')
      .attach('attachments', pdf, 'letter.pdf')
      .expect(303);
    const c = await until(() => Case.findOne({ status: 'assigned' }).lean());
    await givenUser('unit', { username: 'le01', unitCode: 'LE01' });
    const staff = browser(t.app);
    await staff.login('le01');
    await staff.agent.get(`/cases/${c._id}/attachments/1`).expect(404);
    expect((await staff.agent.get(`/unit/cases/${c._id}`).expect(200)).text).toContain('仅纪委监委可查看');
    await givenUser('commission', { username: 'wang2' });
    const commission = browser(t.app);
    await commission.login('wang2');
    await commission.agent.get(`/cases/${c._id}/attachments/1`).expect(200);
  });

  it('when a file is not really an image or PDF, then the form says so and nothing is saved', async () => {
    const { res } = await upload([{ name: 'photo.jpg', data: Buffer.from('<script>alert(1)</script> not an image') }]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="attachments-error"');
    expect(res.text).toContain('只接受照片');
    expect(res.text).toContain('村干部工作时间聚众打牌'); // the input is kept
    expect(await Case.countDocuments()).toBe(0);
    expect(await mongoose.connection.db!.collection('attachments.files').countDocuments()).toBe(0);
  });

  it('when a file is over 10 MB or there are more than 5, then the form says so and nothing is saved', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload([{ name: 'big.png', data: big }]);
    expect(tooBig.res.status).toBe(400);
    expect(tooBig.res.text).toContain('文件超过 10 MB');
    const six = await upload(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.png`, data: PNG })));
    expect(six.res.status).toBe(400);
    expect(six.res.text).toContain('最多上传 5 个文件');
    expect(await Case.countDocuments()).toBe(0);
  });
});

describe('special supervisors and staff entry', () => {
  it('when a supervisor files feedback, then it is theirs to follow, others cannot see it, and they get an email when it is assigned', async () => {
    const chen = await givenUser('supervisor', { username: 'chen' });
    await mongoose.connection.db!.collection('users').updateOne({ _id: chen._id }, { $set: { email: 'chen@supervisors.example' } });
    await givenUser('supervisor', { username: 'liu' });
    const unit = await unitByCode('CM07');
    const b = browser(t.app);
    await b.login('chen');
    const csrf = await b.csrf('/supervisor/feedback/new');
    const res = await b.agent.post('/supervisor/feedback').type('form').send({
      _csrf: csrf,
      categoryCode: 'business_env',
      unitId: String(unit._id),
      description: '企业反映项目环评审批超过法定时限仍未办结。',
      concerns: '审批股 张某',
      fromCitizenMet: 'on',
    });
    expect(res.status).toBe(303);
    const c = await Case.findOne().lean();
    expect(c).toMatchObject({ channel: 'supervisor', concerns: '审批股 张某', fromCitizenMet: true });
    expect(String(c!.filedBy)).toBe(String(chen._id));
    expect(res.headers.location).toBe(`/supervisor/cases/${c!._id}`);
    expect((await b.agent.get('/supervisor').expect(200)).text).toContain(c!.number);

    const other = browser(t.app);
    await other.login('liu');
    await other.agent.get(`/supervisor/cases/${c!._id}`).expect(404);

    const mails = await t.smtp.waitForMails(2);
    const toChen = mails.find((m) => m.to.includes('chen@supervisors.example'));
    expect(toChen!.subject).toContain('已交办');
  });

  it('when commission staff enter a phone complaint, then the channel is recorded and the identity is kept apart', async () => {
    const wang = await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const csrf = await b.csrf('/commission/intake/new');
    const res = await b.agent.post('/commission/intake').type('form').send({
      _csrf: csrf,
      channel: 'phone',
      categoryCode: 'conduct',
      description: '来电反映某镇干部工作日午餐饮酒。',
      name: '赵六',
      phone: '13700001111',
    });
    expect(res.status).toBe(303);
    const c = await Case.findOne().lean();
    expect(c).toMatchObject({ channel: 'phone' });
    expect(String(c!.filedBy)).toBe(String(wang._id));
    expect(JSON.stringify(c)).not.toContain('赵六');
    expect(await Complainant.findOne({ caseId: c!._id, name: '赵六', phone: '13700001111' }).lean()).not.toBeNull();

    const bad = await b.agent.post('/commission/intake').type('form').send({ _csrf: csrf, channel: 'fax', categoryCode: 'conduct', description: TEXT });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="channel-error"');
    expect(await Case.countDocuments()).toBe(1);
  });

  it('when commission staff give a reason, then they see the identity and the reading is recorded; without one nothing is shown', async () => {
    const { agent } = await file({ categoryCode: 'favours', description: '交警中队某民警暗示交钱可免罚。', name: '孙七', phone: '13600002222' });
    await readReceipt(agent);
    const c = await Case.findOne().lean();
    const wang = await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const detail = await b.agent.get(`/commission/cases/${c!._id}`).expect(200);
    expect(detail.text).not.toContain('孙七');
    const { csrf } = formTokens(detail.text);
    const noReason = await b.agent.post(`/commission/cases/${c!._id}/identity`).type('form').send({ _csrf: csrf, reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).not.toContain('孙七');
    const shown = await b.agent.post(`/commission/cases/${c!._id}/identity`).type('form').send({ _csrf: csrf, reason: '需电话核实情况' }).expect(200);
    expect(shown.text).toContain('孙七');
    const who = await Complainant.findOne({ caseId: c!._id }).lean();
    expect(who!.identityReads).toHaveLength(1);
    expect(who!.identityReads[0]).toMatchObject({ reason: '需电话核实情况' });
    expect(String(who!.identityReads[0]!.userId)).toBe(String(wang._id));

    await givenUser('unit', { username: 'u1', unitCode: 'LE01' });
    const unitUser = browser(t.app);
    await unitUser.login('u1');
    const ucsrf = await unitUser.csrf('/unit/cases');
    await unitUser.agent.post(`/commission/cases/${c!._id}/identity`).type('form').send({ _csrf: ucsrf, reason: 'curious about it' }).expect(403);
  });

  it('when two open cases concern the same unit and category, then the commission sees them flagged as possible duplicates', async () => {
    const unit = await unitByCode('WS05');
    await file({ categoryCode: 'attitude', unitId: String(unit._id), description: '营业厅工作人员态度恶劣，第一次反映。' });
    await file({ categoryCode: 'attitude', unitId: String(unit._id), description: '营业厅工作人员态度恶劣，第二次反映。' });
    await file({ categoryCode: 'efficiency', unitId: String(unit._id), description: '营业厅办理业务效率低，另一类别。' });
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const list = await b.agent.get('/commission/cases').expect(200);
    expect((list.text.match(/疑似重复 1/g) ?? []).length).toBe(2);
    const [first, second] = await Case.find({ categoryCode: 'attitude' }).sort({ submittedAt: 1 }).lean();
    const detail = await b.agent.get(`/commission/cases/${first!._id}`).expect(200);
    expect(detail.text).toContain(second!.number);
    expect(await Case.countDocuments()).toBe(3); // nothing merged
  });
});
