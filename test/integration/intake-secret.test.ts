import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser, formTokens, readReceipt } from '../helpers/http';

// Issue 12, finding 8: the tracking secret is shown once, to the browser that filed.
const t = useTestApp();

const complaint = { categoryCode: 'inaction', description: '乡镇干部工作日中午饮酒，下午不在岗。' };

/** A citizen's browser with the public form open: its CSRF token and the form's idempotency key. */
async function openForm() {
  const b = browser(t.app);
  const page = await b.agent.get('/complaints/new').expect(200);
  const { csrf, idempotencyKey } = formTokens(page.text);
  return { b, csrf, key: idempotencyKey!, page };
}

/** The receipt page as the filer sees it now, secret or not. */
async function receiptPage(b: ReturnType<typeof browser>) {
  const page = await b.agent.get('/complaints/received').expect(200);
  const grab = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]+)<`).exec(page.text)?.[1]?.trim() ?? null;
  return { page, number: grab('case-number'), code: grab('tracking-code'), secret: grab('tracking-secret') };
}

describe('the tracking secret, shown once to the browser that filed', () => {
  it('when the form and the receipt are served, then neither may be stored by a browser or a proxy', async () => {
    const { b, csrf, key, page } = await openForm();
    expect(page.headers['cache-control']).toBe('no-store');
    await b.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: key, ...complaint }).expect(303);
    expect((await b.agent.get('/complaints/received').expect(200)).headers['cache-control']).toBe('no-store');
  });

  it('when another browser sends the same form key with the same content, then it files its own complaint and never sees the first receipt', async () => {
    const first = await openForm();
    await first.b.agent.post('/complaints').type('form').send({ _csrf: first.csrf, idempotencyKey: first.key, ...complaint }).expect(303);
    const firstReceipt = await readReceipt(first.b.agent);

    // Someone who saw the form's HTML (a shared PC, a proxy, a screenshot of the source) replays its key.
    const other = browser(t.app);
    const csrf = await other.csrf('/complaints/new');
    await other.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: first.key, ...complaint }).expect(303);
    const otherReceipt = await readReceipt(other.agent);

    expect(otherReceipt.number).not.toBe(firstReceipt.number);
    expect(otherReceipt.code).not.toBe(firstReceipt.code);
    expect(otherReceipt.secret).not.toBe(firstReceipt.secret);
    expect(await Case.countDocuments()).toBe(2);
  });

  it('when the receipt page is reloaded, then it shows the number and the code and says the secret was shown already', async () => {
    const { b, csrf, key } = await openForm();
    await b.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: key, ...complaint }).expect(303);
    const shown = await receiptPage(b);
    expect(shown.secret).toMatch(/^[0-9A-Z]{16}$/);

    const again = await receiptPage(b);
    expect(again).toMatchObject({ number: shown.number, code: shown.code, secret: null });
    expect(again.page.text).not.toContain(shown.secret!);
    expect(again.page.text).toContain('查询密码只在提交后显示一次，已经显示过');
  });

  it('when the receipt cookie is replayed after the secret was shown, then the secret is not shown again', async () => {
    const { b, csrf, key } = await openForm();
    const filed = await b.agent.post('/complaints').type('form').send({ _csrf: csrf, idempotencyKey: key, ...complaint }).expect(303);
    const cookie = filed.headers['set-cookie'] as unknown as string[];
    const receiptCookie = cookie.find((c) => c.startsWith('receipt='))!.split(';')[0]!;
    const shown = await receiptPage(b);
    expect(shown.secret).toMatch(/^[0-9A-Z]{16}$/);

    const replay = await request(t.app).get('/complaints/received').set('Cookie', receiptCookie).expect(200);
    expect(replay.text).toContain(shown.code!);
    expect(replay.text).not.toContain(shown.secret!);
  });

  it('when the filer double-clicks, then one case is filed, the receipt shows its secret once and a second submission shows the code only', async () => {
    const { b, csrf, key } = await openForm();
    const fields = { _csrf: csrf, idempotencyKey: key, ...complaint };
    await Promise.all([b.agent.post('/complaints').type('form').send(fields).expect(303), b.agent.post('/complaints').type('form').send(fields).expect(303)]);
    const shown = await receiptPage(b);
    expect(shown.secret).toMatch(/^[0-9A-Z]{16}$/);
    await b.agent.post('/complaints').type('form').send(fields).expect(303);
    expect(await receiptPage(b)).toMatchObject({ number: shown.number, code: shown.code, secret: null });
    expect(await Case.countDocuments()).toBe(1);
    // The secret shown that once opens the case.
    const tracker = browser(t.app);
    const tcsrf = await tracker.csrf('/track');
    await tracker.agent.post('/track').type('form').send({ _csrf: tcsrf, code: shown.code, secret: shown.secret }).expect(200);
  });

  it('when two API clients send one Idempotency-Key with the same content, then each gets its own case and secret; the same client gets its own back', async () => {
    const one = await createApiToken((await givenUser('supervisor'))._id, 'app');
    const two = await createApiToken((await givenUser('supervisor'))._id, 'app');
    const send = (token: string) => request(t.app).post('/api/v1/complaints').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'shared-key-0000000001').send(complaint);
    const first = await send(one).expect(201);
    const other = await send(two).expect(201);
    expect(other.body.number).not.toBe(first.body.number);
    expect(other.body.trackingSecret).not.toBe(first.body.trackingSecret);
    const retry = await send(one).expect(200);
    expect(retry.body).toMatchObject({ number: first.body.number, trackingSecret: first.body.trackingSecret, repeated: true });
    expect(await Case.countDocuments()).toBe(2);
  });
});
