import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../../src/app';
import { useTestApp } from '../helpers/app';
import { givenUser, PASSWORD } from '../helpers/builders';
import { formTokens } from '../helpers/http';

// Behind a proxy (TRUST_PROXY), X-Forwarded-For gives each request the address a test chooses.
const t = useTestApp({ config: { TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS: '5', LOGIN_IP_MAX_ATTEMPTS: '10' } });

let server: http.Server;
let base: string;
beforeAll(async () => {
  // One server for many parallel requests (supertest would open one per request otherwise).
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** An anonymous browser's CSRF pair (cookie and form token), good for any number of login posts. */
async function loginForm(target: string = base) {
  const page = await request(target).get('/login').expect(200);
  return { cookie: page.headers['set-cookie']![0]!.split(';')[0]!, csrf: formTokens(page.text).csrf };
}

function postLogin(form: { cookie: string; csrf: string }, ip: string, username: string, password: string, target: string = base) {
  return request(target).post('/login').set('Cookie', form.cookie).set('X-Forwarded-For', ip).type('form').send({ _csrf: form.csrf, username, password });
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

it('when 40 wrong guesses at one account arrive at once, then only the limit of them are checked and the rest get 429', async () => {
  await givenUser('commission', { username: 'wang' });
  // This address may try many usernames, so only the per-account limit (5) is in play here.
  const wide = http.createServer(createApp({ ...t.ctx, config: { ...t.ctx.config, LOGIN_IP_MAX_ATTEMPTS: 1000 } }));
  await new Promise<void>((resolve) => wide.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(wide.address() as AddressInfo).port}`;
  try {
    const form = await loginForm(target);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postLogin(form, '198.51.100.1', 'wang', `guess-${i}`, target)));
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: 5, 429: 35 });
    for (const a of answers.filter((x) => x.status === 429)) expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    // The right password is refused too until the window ends.
    const right = await postLogin(form, '198.51.100.1', 'wang', PASSWORD, target);
    expect(right.status).toBe(429);
    expect(right.text).toContain('登录失败次数过多');
  } finally {
    await new Promise<void>((resolve) => wide.close(() => resolve()));
  }
});

it('when one address tries 30 different usernames, then it gets 429 after the per-address limit, and other addresses still log in', async () => {
  await givenUser('commission', { username: 'wang' });
  const form = await loginForm();
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) statuses.push((await postLogin(form, '203.0.113.7', `nobody-${i}`, 'guess')).status);
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses.slice(10)).toEqual(Array(20).fill(429));
  const refused = await postLogin(form, '203.0.113.7', 'wang', PASSWORD);
  expect(refused.status).toBe(429);
  expect(refused.headers['retry-after']).toBeDefined();
  const elsewhere = await postLogin(form, '203.0.113.8', 'wang', PASSWORD);
  expect(elsewhere.status).toBe(302);
  expect(elsewhere.headers.location).toBe('/commission');
});

it('when many people log in from one office address, then their successful logins do not count against it', async () => {
  await givenUser('commission', { username: 'wang' });
  const form = await loginForm();
  for (let i = 0; i < 12; i++) expect((await postLogin(form, '192.0.2.50', 'wang', PASSWORD)).status).toBe(302);
  const typo = await postLogin(form, '192.0.2.50', 'wang', 'typo');
  expect(typo.status).toBe(401);
  expect(typo.text).toContain('用户名或密码不正确');
});

it('when 200 logins with invented names flood in from 200 addresses, then the surplus is turned away at once and a real login still succeeds', async () => {
  await givenUser('commission', { username: 'wang' });
  const form = await loginForm();
  let firstBusy!: () => void;
  const busySeen = new Promise<void>((resolve) => (firstBusy = resolve));
  const flood = Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const res = await postLogin(form, `10.9.${i >> 8}.${i & 255}`, `invented-${i}`, 'guess');
      if (res.status === 503) firstBusy();
      return res;
    }),
  );
  // While the line is full, the real user is answered at once: logged in, or told when to retry.
  await Promise.race([busySeen, flood]);
  const during = await postLogin(form, '192.0.2.10', 'wang', PASSWORD);
  expect([302, 503]).toContain(during.status);
  const answers = await flood;
  const counts = tally(answers.map((a) => a.status));
  // 2 checks at a time and 20 waiting (the defaults); the line drains while the flood is still
  // arriving, so somewhat more than 22 get checked, but most are refused without any hashing.
  expect(counts[503]).toBeGreaterThanOrEqual(100);
  expect((counts[401] ?? 0) + counts[503]!).toBe(200);
  const busy = answers.find((a) => a.status === 503)!;
  expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(busy.text).toContain('当前登录人数较多');
  if (during.status === 503) {
    expect(Number(during.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Busy answers were not counted: the user retries as told and gets in.
    const retry = await postLogin(form, '192.0.2.10', 'wang', PASSWORD);
    expect(retry.status).toBe(302);
  } else {
    expect(during.headers.location).toBe('/commission');
  }
});
