import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { Representative } from '../../src/evaluation/representative.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser, formTokens } from '../helpers/http';

// Issue 12, finding 7: bad input is a 4xx that says what is wrong, never a 500 or a stack trace.
// Nothing here is kept between tests but users with their own names: seed the units once.
const t = useTestApp({ seed: 'once' });

/** What a stack trace or Express's own error page looks like. */
const STACK = /node_modules|\n\s+at |<pre>\w*Error/;

function expectNoStack(res: request.Response) {
  expect(res.text).not.toMatch(STACK);
  expect(res.body?.detail).toBeUndefined();
}

/** Our error page, in Chinese, naming the field at fault. */
function expectErrorPage(res: request.Response, status: number, field?: string, reason?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.type).toBe('text/html');
  expect(res.text).toContain('<html lang="zh-CN">');
  expect(res.text).toContain(`出错了 (${status})`);
  if (field) expect(res.text).toMatch(new RegExp(`<code>${field.replace(/\./g, '\\.')}</code> ${reason?.source ?? ''}`));
  expectNoStack(res);
}

/** An anonymous visitor with the CSRF cookie and token a page gives. */
async function visitor(path: string) {
  const b = browser(t.app);
  const page = await b.agent.get(path).expect(200);
  return { agent: b.agent, csrf: formTokens(page.text, path).csrf };
}

describe('a JSON body whose value has a "toString" field', () => {
  it.each([
    ['/login', '/login', { username: { toString: 1 }, password: 'x' }, 'username.toString'],
    ['/track', '/track', { code: { toString: 1 }, secret: 'x' }, 'code.toString'],
    ['/complaints', '/complaints/new', { description: { toString: 1 }, categoryCode: 'efficiency' }, 'description.toString'],
  ])('when posted to %s, then 400 names the field and nothing is filed', async (path, form, body, field) => {
    const { agent, csrf } = await visitor(form);
    const res = await agent.post(path).set('Content-Type', 'application/json').send(JSON.stringify({ _csrf: csrf, ...body }));
    expectErrorPage(res, 400, field, /不能使用此字段名/);
    expect(await Case.countDocuments()).toBe(0);
    expect(await Complainant.countDocuments()).toBe(0);
  });

  it('when "__proto__" or "constructor" comes in an API body, then 400 JSON names it', async () => {
    const user = await givenUser('commission', { username: 'bad-api' });
    const token = await createApiToken(user._id, 'bad-input');
    const res = await request(t.app)
      .post('/api/v1/complaints')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"description":"long enough text here","categoryCode":"efficiency","meta":{"__proto__":{"admin":true}}}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'validation_failed', message: 'validation_failed', fields: { 'meta.__proto__': 'reserved_name' } });
    expect(await Case.countDocuments()).toBe(0);
  });
});

describe('a malformed percent-encoding in a path parameter', () => {
  it('when a notice is opened at /notices/%ZZ, then 400 says the address is malformed', async () => {
    await givenUser('commission', { username: 'pct-c' });
    const b = browser(t.app);
    await b.login('pct-c');
    expectErrorPage(await b.agent.get('/notices/%ZZ'), 400, 'path', /地址中的百分号编码不正确/);
  });

  it('when /api/v1/cases/%ZZ is read, then 400 JSON names the path', async () => {
    const user = await givenUser('commission', { username: 'pct-api' });
    const token = await createApiToken(user._id, 'bad-input');
    const res = await request(t.app).get('/api/v1/cases/%ZZ').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_path', message: 'invalid_path', fields: { path: 'invalid_encoding' } });
  });

  it('when /open311/v2/services/%ZZ.json is read, then 400 in the Open311 error format', async () => {
    const res = await request(t.app).get('/open311/v2/services/%ZZ.json');
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ code: 400, description: 'path: invalid_encoding (has a malformed percent-encoding)' }]);
  });
});

describe('bodies the parsers refuse', () => {
  const manyFields = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');

  it('when a form has more than 1000 fields, then 413 says there are too many and nothing is filed', async () => {
    const { agent, csrf } = await visitor('/complaints/new');
    const res = await agent.post('/complaints').type('form').send(`_csrf=${csrf}&categoryCode=efficiency&description=long+enough+to+be+filed&${manyFields}`);
    expectErrorPage(res, 413, 'body', /字段过多/);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when a form names an unknown charset, then 415 names the content type', async () => {
    const res = await request(t.app).post('/track').set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon').send('code=1');
    expectErrorPage(res, 415, 'content-type', /只接受 UTF-8 字符集/);
  });

  it('when a body comes in an unknown Content-Encoding, then 415 names it, on pages and in the API', async () => {
    const page = await request(t.app).post('/login').set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'zip').send('username=a');
    expectErrorPage(page, 415, 'content-encoding', /不支持此内容编码/);
    const api = await request(t.app).post('/api/v1/complaints').set('Content-Type', 'application/json').set('Content-Encoding', 'zip').send('{}');
    expect(api.status).toBe(415);
    expect(api.body).toEqual({ error: 'unsupported_encoding', message: 'unsupported_encoding', fields: { 'content-encoding': 'unsupported_encoding' } });
  });

  it('when an Open311 request has too many fields, then 413 in the Open311 error format', async () => {
    const res = await request(t.app).post('/open311/v2/requests.json').type('form').send(manyFields);
    expect(res.status).toBe(413);
    expect(res.body).toEqual([{ code: 413, description: 'body: too_many_fields (has too many fields)' }]);
  });
});

describe('list filters', () => {
  it('when the open-data files are asked for year[]=2026, then 400 names year instead of sending every year', async () => {
    for (const format of ['csv', 'json']) {
      expectErrorPage(await request(t.app).get(`/open-data/cases.${format}?year[]=2026`).set('Accept', 'text/html'), 400, 'year', /只能填一个值/);
      expectErrorPage(await request(t.app).get(`/open-data/cases.${format}?year[x]=2026`).set('Accept', 'text/html'), 400, 'year', /只能填一个值/);
      // A number parser would read these as 2025 and 2026.
      for (const odd of ['0x7E9', '2.026e3', '+2026']) expect((await request(t.app).get(`/open-data/cases.${format}?year=${encodeURIComponent(odd)}`).set('Accept', 'text/html')).status).toBe(400);
    }
  });

  it('when a case list or a unit\'s metrics end before they start, then 400 names the end, on the page and the API', async () => {
    const user = await givenUser('commission', { username: 'range-c' });
    const b = browser(t.app);
    await b.login('range-c');
    expectErrorPage(await b.agent.get('/commission/cases?from=2026-03-10&to=2026-03-01'), 400, 'to', /结束日期不能早于开始日期/);
    expectErrorPage(await b.agent.get('/commission/cases?resolvedFrom=2026-03-10&resolvedTo=2026-03-09'), 400, 'resolvedTo', /结束日期不能早于开始日期/);
    expectErrorPage(await b.agent.get('/commission/cases?to[]=2026-03-01'), 400, 'to', /只能填一个值/);
    await b.agent.get('/commission/cases?from=2026-03-01&to=2026-03-01').expect(200);
    const token = await createApiToken(user._id, 'range-c');
    const unit = await unitByCode('WS01');
    const api = await request(t.app).get(`/api/v1/units/${String(unit._id)}/metrics?from=2026-03-31&to=2026-03-01`).set('Authorization', `Bearer ${token}`);
    expect(api.status).toBe(400);
    expect(api.body.fields).toEqual({ to: 'end_before_start' });
    // The metrics pages too: not the year so far shown without a word.
    expectErrorPage(await b.agent.get(`/commission/units/${String(unit._id)}/metrics?from=2026-03-31&to=2026-03-01`), 400, 'to', /结束日期不能早于开始日期/);
    expectErrorPage(await b.agent.get(`/commission/units/${String(unit._id)}/metrics?from[]=2026-03-01`), 400, 'from', /只能填一个值/);
    await b.agent.get(`/commission/units/${String(unit._id)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200);
    await givenUser('unit', { username: 'range-u', unitCode: 'WS01' });
    const u = browser(t.app);
    await u.login('range-u');
    expectErrorPage(await u.agent.get('/unit/metrics?from=2026-03-31&to=2026-03-01'), 400, 'to', /结束日期不能早于开始日期/);
  });
});

describe('the due-date preview', () => {
  it('when "from" is 2026-02-30, then 400 names the field', async () => {
    await givenUser('commission', { username: 'due-c' });
    const b = browser(t.app);
    await b.login('due-c');
    expectErrorPage(await b.agent.get('/commission/due-date?from=2026-02-30&workingDays=5'), 400, 'from', /不是有效日期/);
    expect((await b.agent.get('/commission/due-date?from=2026-02-13&workingDays=5').expect(200)).body).toEqual({ due: '2026-02-27', provisional: false });
  });

  it('when "from" is a real date past the years a calendar can hold (9999-12-31), then 400, not 500, on the page and the API', async () => {
    const user = await givenUser('commission', { username: 'due-far' });
    const b = browser(t.app);
    await b.login('due-far');
    expectErrorPage(await b.agent.get('/commission/due-date?from=9999-01-01&workingDays=366'), 400, 'from', /不是有效日期/);
    const token = await createApiToken(user._id, 'due-far');
    const api = await request(t.app).get('/api/v1/calendar/due-date?from=9999-12-31&workingDays=1').set('Authorization', `Bearer ${token}`);
    expect(api.status).toBe(400);
    expect(api.body.fields).toEqual({ from: 'invalid_date' });
  });
});

describe('the queue dashboard', () => {
  it('when a change comes with "Origin: null", then 403 on our error page', async () => {
    await givenUser('commission', { username: 'q-null' });
    const b = browser(t.app);
    await b.login('q-null');
    const res = await b.agent.put('/admin/queues/api/queues/notifications/retry/failed').set('Origin', 'null');
    expectErrorPage(res, 403);
    expect(res.text).toContain('退出'); // the layout, with the logged-in user's menu
  });

  it('when an address under it does not exist, then our 404 page, without the x-powered-by header', async () => {
    await givenUser('admin', { username: 'q-404' });
    const b = browser(t.app);
    await b.login('q-404');
    const res = await b.agent.get('/admin/queues/no/such/page');
    expectErrorPage(res, 404);
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    // The board itself still works, and the pages after it are ours again.
    expect((await b.agent.get('/admin/queues').expect(200)).text.toLowerCase()).toContain('bull');
    await b.agent.get('/admin/units').expect(200);
  });
});

// Found by the fuzz pass (test/integration/fuzz.test.ts).
describe('what the fuzz pass found', () => {
  it.each([
    ['multipart/form-data', 'no boundary'],
    ['multipart/mixed; boundary=x', 'a multipart type that is no form'],
    ['multipart/form-data; boundary=x', 'a part header that never ends'],
  ])('when the complaint form comes as "%s" (%s), then 400 on the form, next to the attachments, and nothing is filed', async (type) => {
    const { agent, csrf } = await visitor('/complaints/new');
    const res = await agent
      .post(`/complaints?_csrf=${encodeURIComponent(csrf)}`)
      .set('Content-Type', type)
      .send('--x\r\nContent-Disposition: form-data; name="description"\r\n');
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="attachments-error">格式不正确<');
    expectNoStack(res);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when the representative import comes as a malformed multipart body, then 400 on its page and nothing is imported', async () => {
    await givenUser('commission', { username: 'rep-import' });
    const b = browser(t.app);
    await b.login('rep-import');
    const csrf = await b.csrf('/commission/representatives');
    const res = await b.agent.post(`/commission/representatives/import?_csrf=${encodeURIComponent(csrf)}`).set('Content-Type', 'multipart/form-data').send('garbage');
    expect(res.status).toBe(400);
    expect(res.text).toContain('上传的内容不正确，请只选择一个文件。');
    expectNoStack(res);
    expect(await Representative.countDocuments()).toBe(0);
  });

  it('when a staff page is opened without a login at an address too long to carry back, then the redirect to login leaves it out', async () => {
    const long = `/admin/queues?q=${'%7B'.repeat(4000)}`;
    const res = await request(t.app).get(long);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    // An ordinary address is still carried back.
    expect((await request(t.app).get('/admin/queues?x=1')).headers.location).toBe('/login?next=%2Fadmin%2Fqueues%3Fx%3D1');
  });
});
