import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { browser, readReceipt } from '../helpers/http';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';

const t = useTestApp();
let commission: string;
let supervisor: string;

beforeEach(async () => {
  commission = await createApiToken((await givenUser('commission'))._id, 'hotline');
  supervisor = await createApiToken((await givenUser('supervisor'))._id, 'app');
});

const complaint = { categoryCode: 'efficiency', description: '12345 热线转来：社保窗口排队两小时未办成。' };

describe('filing through the JSON API', () => {
  it('when the hotline files a phone complaint twice with one Idempotency-Key, then one case exists with channel phone and both answers agree', async () => {
    const send = () => request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${commission}`).set('Idempotency-Key', 'hotline-call-000000123').send({ ...complaint, channel: 'phone', name: '钱八' });
    const first = await send().expect(201);
    const second = await send().expect(200);
    expect(second.body).toMatchObject({ number: first.body.number, trackingCode: first.body.trackingCode, trackingSecret: first.body.trackingSecret, repeated: true });
    expect(await Case.countDocuments()).toBe(1);
    expect((await Case.findOne().lean())!.channel).toBe('phone');
  });

  it('when another filer or the public form reuses someone\'s Idempotency-Key, then each gets their own case and nobody sees another\'s receipt', async () => {
    const key = 'hotline-call-000000123';
    const first = await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${supervisor}`).set('Idempotency-Key', key).send(complaint).expect(201);
    const other = await createApiToken((await givenUser('supervisor'))._id, 'other');
    const second = await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${other}`).set('Idempotency-Key', key).send({ ...complaint, description: '另一位监督员反映的另一个问题，内容足够长。' }).expect(201);
    expect(second.body.number).not.toBe(first.body.number);
    expect(second.body.trackingSecret).not.toBe(first.body.trackingSecret);
    const citizen = browser(t.app);
    const csrf = await citizen.csrf('/complaints/new');
    await citizen.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: key, ...complaint }).expect(303);
    expect((await readReceipt(citizen.agent)).secret).not.toBe(first.body.trackingSecret);
    expect(await Case.countDocuments()).toBe(3);
  });

  it('when the same filer repeats a key with different content, then 409 and nothing more is saved', async () => {
    const send = (description: string) => request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${commission}`).set('Idempotency-Key', 'hotline-call-000000777').send({ ...complaint, description });
    await send('第一次来电反映的问题，内容足够长。').expect(201);
    const conflict = await send('换了内容但用了同一个键的请求。').expect(409);
    expect(conflict.body.error).toBe('idempotency_conflict');
    expect(await Case.countDocuments()).toBe(1);
  });

  it('when a supervisor files with the official concerned, then the case says so', async () => {
    await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${supervisor}`).send({ ...complaint, concerns: '社保局 窗口', fromCitizenMet: true }).expect(201);
    expect(await Case.findOne().lean()).toMatchObject({ channel: 'supervisor', concerns: '社保局 窗口', fromCitizenMet: true });
  });

  it('when a field is wrong, then 400 names each field and nothing is saved', async () => {
    const res = await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${commission}`).send({ categoryCode: 'efficiency', description: 'short', channel: 'fax', extra: 1 }).expect(400);
    expect(res.body.fields).toMatchObject({ description: 'too_short', channel: 'invalid_channel' });
    expect(await Case.countDocuments()).toBe(0);
  });
});

describe('tracking through the JSON API', () => {
  it('when the code and secret are right, then the status comes back; wrong ones get 404; rating before resolution gets 409', async () => {
    const filed = (await request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${commission}`).send(complaint).expect(201)).body;
    const view = await request(t.app).post('/api/v1/tracking').send({ code: filed.trackingCode, secret: filed.trackingSecret }).expect(200);
    expect(view.body).toMatchObject({ number: filed.number, status: 'submitted', canRate: false, canSupplement: true });
    expect(JSON.stringify(view.body)).not.toContain(filed.trackingSecret);

    const wrong = await request(t.app).post('/api/v1/tracking').send({ code: filed.trackingCode, secret: 'AAAAAAAAAAAAAAAA' }).expect(404);
    const unknown = await request(t.app).post('/api/v1/tracking').send({ code: 'ZZZZZ-ZZZZZ', secret: filed.trackingSecret }).expect(404);
    expect(wrong.body).toEqual(unknown.body);

    const early = await request(t.app).post('/api/v1/tracking/rating').send({ code: filed.trackingCode, secret: filed.trackingSecret, rating: 'satisfied' }).expect(409);
    expect(early.body.error).toBe('not_rateable');
    await request(t.app).post('/api/v1/tracking/supplements').send({ code: filed.trackingCode, secret: filed.trackingSecret, text: '补充：当天是周一上午。' }).expect(201);
    expect((await Case.findOne().lean())!.supplements).toHaveLength(1);
  });

  it('when the body carries NoSQL operators, then 400 and nothing is looked up', async () => {
    const res = await request(t.app).post('/api/v1/tracking').send({ code: { $ne: '' }, secret: { $gt: '' } }).expect(400);
    expect(Object.keys(res.body.fields).sort()).toEqual(['code', 'secret']);
  });
});
