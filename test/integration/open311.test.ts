import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { Category } from '../../src/cases/category.model';
import { Complainant } from '../../src/cases/complainant.model';
import { routeCase } from '../../src/routing/routing.service';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';

const t = useTestApp();
const keys = { commission: '', supervisor: '', unit: '' };
const userIds = { commission: '', supervisor: '', unit: '' };
const START = new Date('2026-03-02T02:00:00Z'); // 10:00 in the county (+08:00)

beforeEach(async () => {
  t.ctx.clock.set(START);
  for (const role of ['commission', 'supervisor', 'unit'] as const) {
    const user = await givenUser(role, { username: `o311-${role}`, unitCode: role === 'unit' ? 'LE01' : undefined });
    keys[role] = await createApiToken(user._id, 'open311');
    userIds[role] = String(user._id);
  }
});

/** Reading requests takes a commission key (complaints are never public). */
function read(url: string) {
  return request(t.app).get(url).query({ api_key: keys.commission });
}

/** Loose XML reading: the text of every <name> element, in order. */
function xmlTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>|<${name}/>`, 'g'))].map((m) => m[1] ?? '');
}

const IDENTITY = { name: '王五', phone: '13911112222', email: 'wangwu@example.com' };
const IDENTITY_PATTERN = /王五|13911112222|wangwu@example\.com/;

/** Files a case directly (arrangement), at the given instant, with an identity. */
async function givenCase(at: string, fields: { categoryCode?: string; unitCode?: string; place?: string } = {}) {
  t.ctx.clock.set(new Date(at));
  const unit = fields.unitCode ? await unitByCode(fields.unitCode) : null;
  const filed = await fileComplaint(
    t.ctx,
    {
      categoryCode: fields.categoryCode ?? 'inaction',
      description: '派出所办理户口迁移一拖再拖，多次往返仍未办结。',
      place: fields.place,
      unitId: unit ? String(unit._id) : undefined,
      ...IDENTITY,
    },
    { channel: 'web' },
  );
  if (unit) await routeCase(t.ctx, filed.id);
  t.ctx.clock.set(START);
  return filed;
}

describe('GET services', () => {
  it('when services.json is requested, then each active category is a realtime service without metadata, in Chinese', async () => {
    await Category.updateOne({ code: 'other' }, { $set: { active: false } });
    const res = await request(t.app).get('/open311/v2/services.json').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const codes = res.body.map((s: { service_code: string }) => s.service_code);
    expect(codes).toEqual(['inaction', 'efficiency', 'attitude', 'favours', 'conduct', 'business_env']);
    expect(res.body[0]).toEqual({
      service_code: 'inaction',
      service_name: '行政不作为、乱作为',
      description: expect.stringContaining('行政不作为、乱作为'),
      metadata: false,
      type: 'realtime',
      keywords: expect.stringContaining('inaction'),
      group: '投诉',
    });
  });

  it('when services.xml is requested, then the services come as <services><service> elements in text/xml', async () => {
    const res = await request(t.app).get('/open311/v2/services.xml').expect(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.text).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>\n<services><service><service_code>inaction<\/service_code>/);
    expect(xmlTexts(res.text, 'service_code')).toHaveLength(7);
    expect(xmlTexts(res.text, 'service_name')[0]).toBe('行政不作为、乱作为');
    expect(xmlTexts(res.text, 'metadata')[0]).toBe('false');
    expect(xmlTexts(res.text, 'type')[0]).toBe('realtime');
    expect(xmlTexts(res.text, 'group')[0]).toBe('投诉');
  });

  it('when lang=en is given, then the service names are English', async () => {
    const res = await request(t.app).get('/open311/v2/services.json?lang=en').expect(200);
    expect(res.body[0].service_name).toBe('Administrative inaction or misconduct');
  });

  it('when a known service definition is requested, then it has no attributes, in JSON and XML', async () => {
    const json = await request(t.app).get('/open311/v2/services/attitude.json').expect(200);
    expect(json.body).toEqual({ service_code: 'attitude', attributes: [] });
    const xml = await request(t.app).get('/open311/v2/services/attitude.xml').expect(200);
    expect(xml.text).toContain('<service_definition><service_code>attitude</service_code><attributes/></service_definition>');
  });

  it('when an unknown service code or extension is requested, then 404 comes in the spec error format', async () => {
    const json = await request(t.app).get('/open311/v2/services/potholes.json').expect(404);
    expect(json.body).toEqual([{ code: 404, description: expect.stringContaining('potholes') }]);
    const yaml = await request(t.app).get('/open311/v2/services.yaml').expect(404);
    expect(yaml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xmlTexts(yaml.text, 'code')).toEqual(['404']);
    expect(yaml.text).toMatch(/<errors><error><code>404<\/code><description>[^<]*yaml[^<]*<\/description><\/error><\/errors>/);
    const none = await request(t.app).get('/open311/v2/nothing.json').expect(404);
    expect(none.body[0].code).toBe(404);
  });
});

describe('POST requests', () => {
  const valid = {
    service_code: 'inaction',
    description: '县医院挂号窗口工作人员上班时间玩手机，群众排长队无人理会。',
    address_string: '县人民医院门诊楼一层',
  };

  it('when no api_key is sent, then 403 comes in the spec error format, in JSON and XML', async () => {
    const json = await request(t.app).post('/open311/v2/requests.json').type('form').send(valid).expect(403);
    expect(json.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    const xml = await request(t.app).post('/open311/v2/requests.xml').type('form').send(valid).expect(403);
    expect(xml.text).toMatch(/<errors><error><code>403<\/code><description>api_key[^<]*<\/description><\/error><\/errors>/);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when the api_key is unknown or belongs to a unit user, then 403 and nothing is filed', async () => {
    const unknown = await request(t.app).post('/open311/v2/requests.json').type('form').send({ ...valid, api_key: 'cft_nope' }).expect(403);
    expect(unknown.body[0].description).toMatch(/Invalid api_key/);
    const unit = await request(t.app).post('/open311/v2/requests.json').type('form').send({ ...valid, api_key: keys.unit }).expect(403);
    expect(unit.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when a commission key files a form, then the case is saved on channel open311 and the identity only in complainants', async () => {
    const res = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({
        ...valid,
        api_key: keys.commission,
        jurisdiction_id: 'county.example',
        first_name: '五',
        last_name: '王',
        phone: IDENTITY.phone,
        email: IDENTITY.email,
        device_id: 'hotline-7',
        media_url: 'http://example.com/photo.jpg',
        'attribute[WHISPAWN]': '123456',
      })
      .expect(201);
    expect(res.body).toEqual([{ service_request_id: expect.stringMatching(/^2026-\d{6}$/), service_notice: expect.any(String), account_id: null }]);

    const raw = await Case.collection.findOne({ number: res.body[0].service_request_id });
    expect(raw).toMatchObject({ channel: 'open311', categoryCode: 'inaction', place: '县人民医院门诊楼一层', description: valid.description });
    expect(String(raw!.filedBy)).toBe(userIds.commission);
    expect(JSON.stringify(raw)).not.toMatch(IDENTITY_PATTERN);
    expect(JSON.stringify(raw)).not.toContain('photo.jpg');
    const who = await Complainant.findOne({ caseId: raw!._id }).lean();
    expect(who).toMatchObject({ anonymous: false, ...IDENTITY });
  });

  it('when a supervisor key comes in the query with only lat/long in a JSON body, then the point is stored as numbers, no place, and the answer is XML', async () => {
    const res = await request(t.app)
      .post(`/open311/v2/requests.xml?api_key=${encodeURIComponent(keys.supervisor)}`)
      .send({ service_code: 'conduct', description: '工作日中午在单位食堂饮酒，下午上班满身酒气。', lat: 31.2304, long: 121.4737 })
      .expect(201);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const [number] = xmlTexts(res.text, 'service_request_id');
    expect(res.text).toMatch(/<service_requests><request><service_request_id>\d{4}-\d{6}<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id\/><\/request><\/service_requests>/);
    const c = await Case.findOne({ number }).lean();
    expect(c).toMatchObject({ channel: 'open311', place: null, location: { type: 'Point', coordinates: [121.4737, 31.2304] } });
    expect(await Complainant.findOne({ caseId: c!._id }).lean()).toMatchObject({ anonymous: true, name: null });
  });

  it('when fields are invalid, then 400 lists every bad field by name, in JSON and XML', async () => {
    const res = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ api_key: keys.commission, description: '   ', phone: 'call me', lat: '91', colour: 'red', 'attribute[x y]': 'v' })
      .expect(400);
    const descriptions: string[] = res.body.map((e: { code: number; description: string }) => {
      expect(e.code).toBe(400);
      return e.description;
    });
    expect(descriptions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^service_code: required/),
        expect.stringMatching(/^description: required/),
        expect.stringMatching(/^phone: invalid_phone/),
        expect.stringMatching(/^lat: invalid_coordinate/),
      ]),
    );
    // Unknown fields and attributes are ignored (spec clients add their own), never named.
    expect(descriptions.join('\n')).not.toMatch(/colour|attribute/);
    const pair = await request(t.app).post('/open311/v2/requests.xml').type('form').send({ ...valid, api_key: keys.commission, lat: '31.2' }).expect(400);
    expect(xmlTexts(pair.text, 'description')).toEqual([expect.stringMatching(/^long: lat_long_pair/)]);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when the service_code is unknown or inactive, then 404 in the spec error format names it, and nothing is filed', async () => {
    const res = await request(t.app).post('/open311/v2/requests.json').type('form').send({ ...valid, service_code: 'potholes', api_key: keys.commission }).expect(404);
    expect(res.body).toEqual([{ code: 404, description: expect.stringContaining('service_code potholes') }]);
    await Category.updateOne({ code: 'other' }, { $set: { active: false } });
    const xml = await request(t.app).post('/open311/v2/requests.xml').type('form').send({ ...valid, service_code: 'other', api_key: keys.commission }).expect(404);
    expect(xmlTexts(xml.text, 'code')).toEqual(['404']);
    expect(await Case.countDocuments()).toBe(0);
  });

  it('when the same Idempotency-Key is sent twice, then one case is filed and both answers name it', async () => {
    const send = () => request(t.app).post('/open311/v2/requests.json').set('Idempotency-Key', 'hotline-call-000123').type('form').send({ ...valid, api_key: keys.commission });
    const first = await send().expect(201);
    const again = await send().expect(200);
    expect(again.body[0].service_request_id).toBe(first.body[0].service_request_id);
    expect(await Case.countDocuments()).toBe(1);
    const bad = await request(t.app).post('/open311/v2/requests.json').set('Idempotency-Key', 'short').type('form').send({ ...valid, api_key: keys.commission }).expect(400);
    expect(bad.body[0].description).toMatch(/^Idempotency-Key: invalid/);
  });

  it('when a JSON body is malformed, then 400 comes in the spec error format', async () => {
    const res = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', 'application/json').send('{"service_code":').expect(400);
    expect(res.body).toEqual([{ code: 400, description: expect.stringContaining('JSON') }]);
  });
});

describe('GET requests', () => {
  it('when status is filtered, then resolved, closed and rejected cases are closed and the rest open', async () => {
    const open = await givenCase('2026-02-20T02:00:00Z');
    const resolved = await givenCase('2026-02-21T02:00:00Z');
    const rejected = await givenCase('2026-02-22T02:00:00Z');
    await Case.updateOne({ number: resolved.number }, { $set: { status: 'resolved' } });
    await Case.updateOne({ number: rejected.number }, { $set: { status: 'rejected' } });

    const closed = await read('/open311/v2/requests.json?status=closed').expect(200);
    expect(closed.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([rejected.number, resolved.number]);
    expect(closed.body.map((r: { status: string }) => r.status)).toEqual(['closed', 'closed']);
    expect(closed.body[0].status_notes).toBe('不予受理');
    const opened = await read('/open311/v2/requests.json?status=open').expect(200);
    expect(opened.body).toEqual([expect.objectContaining({ service_request_id: open.number, status: 'open', status_notes: '待分办' })]);
    const both = await read('/open311/v2/requests.json?status=open,closed').expect(200);
    expect(both.body).toHaveLength(3);
    const bad = await read('/open311/v2/requests.json?status=pending').expect(400);
    expect(bad.body[0].description).toMatch(/^status: invalid_status/);
  });

  it('when service_code is filtered, then only that category is listed', async () => {
    const attitude = await givenCase('2026-02-20T02:00:00Z', { categoryCode: 'attitude' });
    await givenCase('2026-02-21T02:00:00Z', { categoryCode: 'inaction' });
    const res = await read('/open311/v2/requests.json?service_code=attitude').expect(200);
    expect(res.body).toEqual([expect.objectContaining({ service_request_id: attitude.number, service_code: 'attitude', service_name: '窗口服务态度' })]);
  });

  it('when start_date and end_date are given, then only requests made in that range are listed; without them, the last 90 days', async () => {
    const old = await givenCase('2025-11-20T02:00:00Z');
    const january = await givenCase('2026-01-05T02:00:00Z');
    const february = await givenCase('2026-02-20T02:00:00Z');

    const range = await read('/open311/v2/requests.json').query({ start_date: '2026-02-01T00:00:00+08:00', end_date: '2026-02-28T23:59:59+08:00' }).expect(200);
    expect(range.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([february.number]);
    // An offset whose '+' arrived as a space (not percent-encoded) still counts.
    const spaced = await read('/open311/v2/requests.json?start_date=2026-01-01T00:00:00+08:00&end_date=2026-01-31T00:00:00Z').expect(200);
    expect(spaced.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([january.number]);
    const onlyStart = await read('/open311/v2/requests.json?start_date=2025-11-01T00:00:00Z').expect(200);
    expect(onlyStart.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([january.number, old.number]);

    const recent = await read('/open311/v2/requests.json').expect(200);
    expect(recent.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([february.number, january.number]);

    const tooLong = await read('/open311/v2/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z').expect(400);
    expect(tooLong.body[0].description).toMatch(/^end_date: span_too_long/);
    const reversed = await read('/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z').expect(400);
    expect(reversed.body[0].description).toMatch(/^end_date: end_before_start/);
    const bad = await read('/open311/v2/requests.xml?start_date=2026-02-30T00:00:00Z&end_date=yesterday').expect(400);
    expect(xmlTexts(bad.text, 'description')).toEqual([expect.stringMatching(/^start_date: invalid_datetime/), expect.stringMatching(/^end_date: invalid_datetime/)]);
  });

  it('when service_request_id lists case numbers, then exactly those are returned, overriding other filters', async () => {
    const a = await givenCase('2025-10-01T02:00:00Z'); // outside the default window
    await givenCase('2026-02-20T02:00:00Z');
    const c = await givenCase('2026-02-21T02:00:00Z');
    const res = await read(`/open311/v2/requests.json?service_request_id=${a.number},${c.number},2026-999999&status=closed&service_code=attitude`).expect(200);
    expect(res.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([c.number, a.number]);
    await read('/open311/v2/requests.json?service_request_id=DROP%20TABLE').expect(400);
  });

  it('when one request is read, then it has every spec field in JSON and XML, with county-time dates and the assigned unit', async () => {
    const filed = await givenCase('2026-03-02T02:00:00Z', { unitCode: 'LE01', place: '城关派出所' });
    const unit = await unitByCode('LE01');
    const json = await read(`/open311/v2/requests/${filed.number}.json`).expect(200);
    expect(json.body).toEqual([
      {
        service_request_id: filed.number,
        status: 'open',
        status_notes: '已交办',
        service_name: '行政不作为、乱作为',
        service_code: 'inaction',
        description: '派出所办理户口迁移一拖再拖，多次往返仍未办结。',
        agency_responsible: unit.nameZh,
        service_notice: expect.any(String),
        requested_datetime: '2026-03-02T10:00:00+08:00',
        updated_datetime: '2026-03-02T10:00:00+08:00',
        expected_datetime: '2026-03-16T23:59:59+08:00', // 10 working days (normal priority) from Monday 2026-03-02
        address: '城关派出所',
        address_id: null,
        zipcode: null,
        lat: null,
        long: null,
        media_url: null,
      },
    ]);
    const en = await read(`/open311/v2/requests/${filed.number}.json?lang=en`).expect(200);
    expect(en.body[0]).toMatchObject({ agency_responsible: unit.nameEn, status_notes: 'Assigned', service_name: 'Administrative inaction or misconduct' });

    const xml = await read(`/open311/v2/requests/${filed.number}.xml`).expect(200);
    expect(xml.text).toContain(`<service_requests><request><service_request_id>${filed.number}</service_request_id><status>open</status>`);
    expect(xmlTexts(xml.text, 'agency_responsible')).toEqual([unit.nameZh]);
    expect(xmlTexts(xml.text, 'requested_datetime')).toEqual(['2026-03-02T10:00:00+08:00']);
    expect(xmlTexts(xml.text, 'expected_datetime')).toEqual(['2026-03-16T23:59:59+08:00']);
    for (const name of ['status_notes', 'service_name', 'service_code', 'description', 'service_notice', 'updated_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']) {
      expect(xmlTexts(xml.text, name)).toHaveLength(1);
    }
  });

  it('when a field holds XML special characters, then the XML escapes them', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z', { place: '<东门> & "市场"\u0007' });
    const xml = await read(`/open311/v2/requests/${filed.number}.xml`).expect(200);
    expect(xml.text).toContain('<address>&lt;东门&gt; &amp; &quot;市场&quot;</address>');
  });

  it('when a request is unassigned, then agency_responsible is empty', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z');
    const res = await read(`/open311/v2/requests/${filed.number}.json`).expect(200);
    expect(res.body[0].agency_responsible).toBeNull();
  });

  it('when an unknown request is read, then 404 comes in the spec error format, in JSON and XML', async () => {
    const json = await read('/open311/v2/requests/2026-999999.json').expect(404);
    expect(json.body).toEqual([{ code: 404, description: expect.stringContaining('2026-999999') }]);
    const xml = await read('/open311/v2/requests/nonsense.xml').expect(404);
    expect(xmlTexts(xml.text, 'code')).toEqual(['404']);
  });

  it('when a case has a deadlineAt, then expected_datetime is that deadline in county time', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z');
    await Case.collection.updateOne({ number: filed.number }, { $set: { deadlineAt: new Date('2026-03-09T09:30:00Z') } });
    const res = await read(`/open311/v2/requests/${filed.number}.json`).expect(200);
    expect(res.body[0].expected_datetime).toBe('2026-03-09T17:30:00+08:00');
    const list = await read('/open311/v2/requests.xml').expect(200);
    expect(xmlTexts(list.text, 'expected_datetime')).toEqual(['2026-03-09T17:30:00+08:00']);
  });

  it('when requests are read with a unit, supervisor or unknown key, then 403 in the spec format and nothing is shown', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z', { unitCode: 'LE01' });
    for (const url of ['/open311/v2/requests.json', `/open311/v2/requests/${filed.number}.json`, `/open311/v2/tokens/${filed.id}.json`]) {
      for (const key of [keys.unit, keys.supervisor, 'cft_nope']) {
        const res = await request(t.app).get(url).query({ api_key: key }).expect(403);
        expect(res.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
        expect(res.text).not.toContain(filed.number);
      }
    }
    const xml = await request(t.app).get('/open311/v2/requests.xml').query({ api_key: keys.unit }).expect(403);
    expect(xml.text).toContain('<errors><error><code>403</code>');
  });

  it('when requests are read in any form, then no complainant identity appears', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z', { unitCode: 'LE01' });
    const urls = ['/open311/v2/requests.json', '/open311/v2/requests.xml', `/open311/v2/requests/${filed.number}.json`, `/open311/v2/requests/${filed.number}.xml`, `/open311/v2/requests.json?service_request_id=${filed.number}`];
    for (const url of urls) {
      const res = await read(url).expect(200);
      expect(res.text).toContain(filed.number);
      expect(res.text).not.toMatch(IDENTITY_PATTERN);
      expect(res.text).not.toContain(filed.trackingCode);
    }
  });
});

describe('GET tokens', () => {
  it('when the token is a case id, then the answer is its service_request_id; otherwise 404', async () => {
    const filed = await givenCase('2026-02-20T02:00:00Z');
    const json = await read(`/open311/v2/tokens/${filed.id}.json`).expect(200);
    expect(json.body).toEqual([{ service_request_id: filed.number, token: filed.id }]);
    const xml = await read(`/open311/v2/tokens/${filed.id}.xml`).expect(200);
    expect(xml.text).toContain(`<service_requests><request><service_request_id>${filed.number}</service_request_id><token>${filed.id}</token></request></service_requests>`);
    await read('/open311/v2/tokens/0123456789abcdef01234567.json').expect(404);
    const tracking = await read(`/open311/v2/tokens/${filed.trackingCode}.json`).expect(404);
    expect(tracking.body[0].code).toBe(404);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('when requested without a token, then it is an OpenAPI 3.1 document listing the API and Open311 routes', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/complaints', '/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/calendar/due-date', '/api/v1/tracking', '/api/v1/tracking/rating', '/open311/v2/requests.{format}', '/open311/v2/services.{format}', '/open311/v2/tokens/{token}.{format}']),
    );
    expect(res.body.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    // Every $ref points at a schema the document defines.
    const refs = [...JSON.stringify(res.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const name of refs) expect(res.body.components.schemas).toHaveProperty(name);
  });
});
