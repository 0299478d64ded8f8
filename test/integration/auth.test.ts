import { Worker } from 'bullmq';
import { Types } from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Complainant } from '../../src/cases/complainant.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { ApiToken, User } from '../../src/users/user.model';
import { FILER } from '../helpers/cases';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser } from '../helpers/http';
import { jobFinished } from '../helpers/jobs';

const t = useTestApp({ config: { LOGIN_MAX_ATTEMPTS: '3' } });

describe('login and logout', () => {
  it('when a commission user logs in with the right password, then they land on the dashboard', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    const res = await b.login('wang');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/commission');
    const page = await b.agent.get('/commission/cases').expect(200);
    expect(page.text).toContain('全部案件');
    const sessions = await t.ctx.redis.keys(`${t.ctx.config.REDIS_PREFIX}:sess:*`);
    expect(sessions.length).toBe(1); // sessions live in Redis, not MongoDB
  });

  it('when the password is wrong, then login is refused with a message and no session user', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    const res = await b.login('wang', 'nope');
    expect(res.status).toBe(401);
    expect(res.text).toContain('用户名或密码不正确');
    await b.agent.get('/commission/cases').expect(302).expect('location', '/login?next=%2Fcommission%2Fcases');
  });

  it('when an unknown user tries, then the answer is the same as a wrong password', async () => {
    const res = await browser(t.app).login('ghost', 'whatever');
    expect(res.status).toBe(401);
    expect(res.text).toContain('用户名或密码不正确');
  });

  it('when too many wrong passwords are tried, then even the right one is refused until the window ends', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    for (let i = 0; i < 3; i++) expect((await b.login('wang', 'bad')).status).toBe(401);
    const blocked = await b.login('wang');
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.text).toContain('登录失败次数过多');
  });

  it('when the user logs out, then the session no longer opens staff pages', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const token = await b.csrf('/commission/cases');
    await b.agent.post('/logout').type('form').send({ _csrf: token }).expect(302);
    await b.agent.get('/commission/cases').expect(302);
  });

  it('when the login form is posted without the CSRF token, then it is refused with 403', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.csrf('/login'); // has a session, but does not send the token
    const res = await b.agent.post('/login').type('form').send({ username: 'wang', password: 'Correct-Horse-9' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('页面已过期');
  });

  it('when a form is posted with a token from another session, then it is refused', async () => {
    await givenUser('commission', { username: 'wang' });
    const other = await browser(t.app).csrf('/login');
    const res = await browser(t.app).agent.post('/login').type('form').send({ _csrf: other, username: 'wang', password: 'Correct-Horse-9' });
    expect(res.status).toBe(403);
  });

  it('when ?lang=en is asked, then the page is in English and the choice is remembered', async () => {
    const b = browser(t.app);
    const first = await b.agent.get('/login?lang=en').expect(200);
    expect(first.text).toContain('Staff log in');
    const again = await b.agent.get('/login').expect(200);
    expect(again.text).toContain('Staff log in');
    const zh = await request(t.app).get('/login').expect(200);
    expect(zh.text).toContain('工作人员登录');
  });
});

describe('roles', () => {
  it('when a unit user opens commission pages, then they get 403', async () => {
    await givenUser('unit', { username: 'li', unitCode: 'LE01' });
    const b = browser(t.app);
    expect((await b.login('li')).headers.location).toBe('/unit/cases');
    for (const path of ['/commission/cases', '/admin/units', '/admin/queues']) {
      const res = await b.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    await b.agent.get('/unit/cases').expect(200);
  });

  it('when a supervisor opens the unit inbox, then they get 403', async () => {
    await givenUser('supervisor', { username: 'chen' });
    const b = browser(t.app);
    await b.login('chen');
    await b.agent.get('/unit/cases').expect(403);
    await b.agent.get('/supervisor').expect(200);
  });

  it('when an administrator retries failed jobs on the queue board, then BullMQ queues them again; from another site it is refused and nothing moves', async () => {
    await givenUser('admin', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const res = await b.agent.get('/admin/queues').expect(200);
    expect(res.text.toLowerCase()).toContain('bull');

    // A delivery that really failed in BullMQ: a worker whose SMTP server is down fails its one attempt.
    const queue = t.ctx.queues.get('notifications');
    const job = await queue.add('send-notification', { notificationId: new Types.ObjectId().toHexString() }, { jobId: 'notify-board-test', attempts: 1 });
    const smtpDown = new Worker('notifications', async () => { throw new Error('ECONNREFUSED'); }, { connection: { url: t.ctx.config.REDIS_URL, maxRetriesPerRequest: null }, prefix: t.ctx.config.REDIS_PREFIX });
    try {
      expect(await jobFinished(t.ctx, 'notifications', job.id!)).toEqual({ state: 'failed', reason: 'ECONNREFUSED' });
    } finally {
      await smtpDown.close();
    }

    const path = '/admin/queues/api/queues/notifications/retry/failed';
    const foreign = await b.agent.put(path).set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(await queue.getJobState(job.id!)).toBe('failed');
    // Its retry button works from our own page: the job is waiting for a worker again.
    const own = await b.agent.put(path).set('Host', 'county.example').set('Origin', 'http://county.example');
    expect(own.status).toBe(200);
    expect(await queue.getJobState(job.id!)).toBe('waiting');
    expect(await queue.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 1 });
  });

  it('when nobody is logged in, then staff pages redirect to login', async () => {
    await request(t.app).get('/unit/cases').expect(302).expect('location', '/login?next=%2Funit%2Fcases');
  });
});

describe('API tokens', () => {
  it('when a token is created on the page, then it works as a Bearer token and only its hash is stored', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    const csrf = await b.csrf('/account/tokens');
    const page = await b.agent.post('/account/tokens').type('form').send({ _csrf: csrf, label: '12345 hotline' }).expect(200);
    const token = /id="new-token">([^<]+)</.exec(page.text)![1]!;
    const stored = await ApiToken.findOne().lean();
    expect(stored!.hash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ username: 'wang', role: 'commission' });
  });

  it('when the token is wrong, missing or revoked, then the API answers 401 in JSON', async () => {
    const user = await givenUser('unit', { username: 'li', unitCode: 'LE01' });
    const token = await createApiToken(user._id, 'test');
    await request(t.app).get('/api/v1/me').expect(401).expect('content-type', /json/);
    const bad = await request(t.app).get('/api/v1/me').set('Authorization', 'Bearer cft_wrong').expect(401);
    expect(bad.body.error).toBe('unauthorized');
    await ApiToken.updateOne({}, { $set: { revokedAt: new Date() } });
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('when a unit token calls a commission-only API, then it gets 403', async () => {
    const user = await givenUser('unit', { username: 'li', unitCode: 'LE01' });
    const token = await createApiToken(user._id, 'test');
    const res = await request(t.app)
      .post('/api/v1/complaints')
      .set('Authorization', `Bearer ${token}`)
      .send({ categoryCode: 'inaction', description: '窗口工作人员长时间不在岗位' })
      .expect(403);
    expect(res.body.error).toBe('forbidden');
  });

  it('when API tokens are sent to staff pages and forms, then they open none and act on none, while the API still takes them', async () => {
    const filed = await fileComplaint(t.ctx, { categoryCode: 'efficiency', description: '县政务大厅窗口多次推诿企业开办申请。', ...FILER }, { channel: 'web' });
    const staff = await createApiToken((await givenUser('commission'))._id, 'test');
    const admin = await createApiToken((await givenUser('admin'))._id, 'test');
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    const pages: Array<[string, string]> = [
      ['/commission/cases', staff],
      [`/commission/cases/${filed.id}`, staff],
      ['/commission/triage', staff],
      ['/account/tokens', staff],
      ['/admin/users', admin],
      ['/admin/units', admin],
    ];
    for (const [path, token] of pages) {
      const res = await request(t.app).get(path).set(bearer(token));
      expect({ path, status: res.status, location: res.headers.location }).toEqual({ path, status: 302, location: `/login?next=${encodeURIComponent(path)}` });
    }

    // Forms, with the CSRF pair any anonymous visitor gets: the identity reveal and the admin's new account.
    const anon = browser(t.app);
    const csrf = await anon.csrf('/login');
    const reveal = await anon.agent.post(`/commission/cases/${filed.id}/identity`).set(bearer(staff)).type('form').send({ _csrf: csrf, reason: '核实举报人身份' });
    expect(reveal.status).toBe(302);
    expect(reveal.text).not.toContain(FILER.phone);
    expect((await Complainant.findOne({ caseId: filed.id }).lean())!.identityReads).toHaveLength(0);
    const account = await anon.agent
      .post('/admin/users')
      .set(bearer(admin))
      .type('form')
      .send({ _csrf: csrf, username: 'intruder', displayName: '入侵者', role: 'admin', password: 'long-enough-pass' });
    expect(account.status).toBe(302);
    expect(await User.findOne({ username: 'intruder' }).lean()).toBeNull();

    // An /api/v1 path no API route answers does not carry the token's user on to the pages.
    await request(t.app).get('/api/v1/no-such-thing').set(bearer(staff)).expect(404).expect('content-type', /json/);
    // The API itself takes both tokens.
    expect((await request(t.app).get(`/api/v1/cases/${filed.id}`).set(bearer(staff)).expect(200)).body.id).toBe(filed.id);
    expect((await request(t.app).get('/api/v1/me').set(bearer(admin)).expect(200)).body.role).toBe('admin');
  });

  it('when the API is called with a session cookie instead of a token, then it is refused', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    await b.agent.get('/api/v1/me').expect(401);
  });
});
