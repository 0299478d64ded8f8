import mongoose from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { openAttachment } from '../../src/platform/files/attachments';
import { routeCase } from '../../src/routing/routing.service';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser, formTokens } from '../helpers/http';
import { PLANTED, jpegs } from '../helpers/images';

// Replays of what real Open311 clients send (FixMyStreet's Open311 module, a Python client with
// `requests`, a Node client with fetch/FormData) and of anonymous status reads, with the spec's
// shapes asserted. The anonymous limit is low here so one test can reach it.
const LIMIT = 15;
const t = useTestApp({ config: { OPEN311_PUBLIC_LIMIT_PER_10MIN: String(LIMIT), OPEN311_PUBLIC_CACHE_SECONDS: '60' } });
const keys = { commission: '', supervisor: '', admin: '' };
const START = new Date('2026-03-02T02:00:00Z'); // Monday 10:00 in the county (+08:00)

beforeEach(async () => {
  t.ctx.clock.set(START);
  for (const role of ['commission', 'supervisor', 'admin'] as const) {
    const user = await givenUser(role, { username: `o311c-${role}` });
    keys[role] = await createApiToken(user._id, 'open311-clients');
  }
});

/** The text of every <name> element, in order (`<name/>` gives ''). */
function xmlTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>|<${name}/>`, 'g'))].map((m) => m[1] ?? '');
}

// The filer as the clients send them, and the complaint: none of it may reach an anonymous reader.
const FILER = { first_name: 'Wu', last_name: 'Wang', email: 'wang.wu@example.org', phone: '+86 139 1111 2222' };
const DESCRIPTION = '城关镇便民服务中心窗口人员长期脱岗，群众反映多次无果。';
const PLACE = '城关镇便民服务中心二楼';
const LAT = 30.5123;
const LONG = 114.2567;
const SECRETS = [FILER.first_name, FILER.last_name, FILER.email, FILER.phone, '13911112222', DESCRIPTION, PLACE, String(LAT), String(LONG), 'Wang Wu'];

function expectNothingPrivate(text: string, extra: string[] = []) {
  for (const secret of [...SECRETS, ...extra]) expect(text).not.toContain(secret);
}

/** A case filed on the web by a named filer, with coordinates, assigned to LE01 (10 working days). */
async function givenLocatedCase(at = '2026-03-02T02:00:00Z') {
  t.ctx.clock.set(new Date(at));
  const unit = await unitByCode('LE01');
  const filed = await fileComplaint(
    t.ctx,
    { categoryCode: 'inaction', description: DESCRIPTION, place: PLACE, location: { lat: LAT, long: LONG }, addressId: 'addr-77', unitId: String(unit._id), name: 'Wang Wu', phone: '13911112222', email: FILER.email },
    { channel: 'web' },
  );
  await routeCase(t.ctx, filed.id);
  t.ctx.clock.set(START);
  return { filed, unit };
}

describe('FixMyStreet Open311 client', () => {
  // FixMyStreet (perllib/Open311.pm) posts application/x-www-form-urlencoded with the key in the
  // body, its own `deviceid`, extra `attribute[...]` fields and a public `media_url`, and reads XML.
  const fmsBody = (apiKey: string) =>
    new URLSearchParams([
      ['email', FILER.email],
      ['description', `title: 窗口人员脱岗\n\ndetail: ${DESCRIPTION}\n\nurl: https://fms.example.org/report/4711\n\nSubmitted via FixMyStreet\n`],
      ['service_code', 'inaction'],
      ['first_name', FILER.first_name],
      ['last_name', FILER.last_name],
      ['phone', FILER.phone],
      ['lat', String(LAT)],
      ['long', String(LONG)],
      ['media_url', 'https://fms.example.org/photo/4711.0.full.jpeg'],
      ['deviceid', 'fms-ios-8c1e'],
      ['attribute[title]', '窗口人员脱岗'],
      ['attribute[description]', DESCRIPTION],
      ['attribute[report_url]', 'https://fms.example.org/report/4711'],
      ['attribute[easting]', '0'],
      ['attribute[northing]', '0'],
      ['attribute[fixmystreet_id]', '4711'],
      ['jurisdiction_id', 'county.example'],
      ['api_key', apiKey],
    ]).toString();

  it('when it files a report, then 201 in XML, the point is stored as numbers and the filer apart from the case', async () => {
    const res = await request(t.app).post('/open311/v2/requests.xml').set('Content-Type', 'application/x-www-form-urlencoded').set('User-Agent', 'FixMyStreet/open311').send(fmsBody(keys.commission)).expect(201);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const [number] = xmlTexts(res.text, 'service_request_id');
    expect(number).toMatch(/^2026-\d{6}$/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();

    const raw = await Case.collection.findOne({ number });
    expect(raw).toMatchObject({ channel: 'open311', categoryCode: 'inaction', place: null, addressId: null, location: { type: 'Point', coordinates: [LONG, LAT] } });
    expect(typeof raw!.location.coordinates[0]).toBe('number');
    // Nothing of the filer, the device or the client's photo URL on the case itself.
    expect(JSON.stringify(raw)).not.toMatch(/wang\.wu|139 1111|fms-ios|4711\.0\.full/);
    expect(await Complainant.findOne({ caseId: raw!._id }).lean()).toMatchObject({ anonymous: false, name: 'Wu Wang', email: FILER.email, phone: FILER.phone });

    // The full view (commission key) gives the coordinates back as numbers, in XML and JSON.
    const xml = await request(t.app).get(`/open311/v2/requests/${number}.xml`).query({ api_key: keys.commission }).expect(200);
    expect(xmlTexts(xml.text, 'lat')).toEqual([String(LAT)]);
    expect(xmlTexts(xml.text, 'long')).toEqual([String(LONG)]);
    const json = await request(t.app).get(`/open311/v2/requests/${number}.json`).query({ api_key: keys.commission }).expect(200);
    expect(json.body[0]).toMatchObject({ lat: LAT, long: LONG, address: null, description: expect.stringContaining(DESCRIPTION) });
    expect(json.headers['access-control-allow-origin']).toBeUndefined();
    expect(json.headers['cache-control']).toBe('no-store');
  });

  it('when it polls statuses without a key, as it does, then it gets the status-only view in XML and nothing private', async () => {
    const filed = await request(t.app).post('/open311/v2/requests.xml').type('form').send(fmsBody(keys.commission)).expect(201);
    const [number] = xmlTexts(filed.text, 'service_request_id');
    const res = await request(t.app).get('/open311/v2/requests.xml?jurisdiction_id=county.example&start_date=2026-03-01T00:00:00Z&end_date=2026-03-03T00:00:00Z').expect(200);
    expect(res.text).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>\n<service_requests><request><service_request_id>/);
    expect(xmlTexts(res.text, 'service_request_id')).toEqual([number]);
    expect(xmlTexts(res.text, 'status')).toEqual(['open']);
    expect(xmlTexts(res.text, 'status_notes')).toEqual(['待分办']);
    expect(xmlTexts(res.text, 'service_code')).toEqual(['inaction']);
    expect(xmlTexts(res.text, 'requested_datetime')).toEqual(['2026-03-02T10:00:00+08:00']);
    for (const name of ['description', 'address', 'address_id', 'lat', 'long', 'media_url', 'agency_responsible']) expect(xmlTexts(res.text, name)).toEqual(['']);
    expectNothingPrivate(res.text, ['fms-ios', '4711']);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('when a description is short or a field unknown, then it is still filed', async () => {
    const res = await request(t.app).post('/open311/v2/requests.json').type('form').send({ api_key: keys.supervisor, service_code: 'attitude', description: '态度恶劣', deviceid: 'x', colour: 'red', 'attribute[unknown]': 'y' }).expect(201);
    expect(await Case.findOne({ number: res.body[0].service_request_id }).lean()).toMatchObject({ description: '态度恶劣', categoryCode: 'attitude', location: null });
  });
});

/** A multipart body exactly as python-requests writes it (`requests.post(url, data=..., files={'media': ...})`). */
function pythonMultipart(fields: [string, string][], file: { name: string; type: string; data: Buffer }) {
  const boundary = 'a3f1c0d9e8b74f2a9c6d5e4b3a291807';
  const parts: Buffer[] = fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`, 'utf8'), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A FormData body as Node's fetch (undici) serializes it. */
async function nodeMultipart(form: FormData) {
  const req = new Request('http://localhost/open311/v2/requests.json', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

async function storedBytes(fileId: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openAttachment(fileId as mongoose.Types.ObjectId)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('multipart clients with a photo', () => {
  it('when a Python client posts multipart with api_key and media, then the photo is stored cleaned and address_id and the point come back', async () => {
    const photo = (await jpegs()).exifGpsComment;
    const { body, contentType } = pythonMultipart(
      [
        ['api_key', keys.commission],
        ['service_code', 'efficiency'],
        ['description', DESCRIPTION],
        ['address_string', PLACE],
        ['address_id', 'addr-1009'],
        ['lat', String(LAT)],
        ['long', String(LONG)],
        ['email', FILER.email],
        ['first_name', FILER.first_name],
        ['last_name', FILER.last_name],
      ],
      { name: 'IMG_2041.jpg', type: 'image/jpeg', data: photo },
    );
    const res = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', contentType).set('User-Agent', 'python-requests/2.32.3').send(body).expect(201);
    const number = res.body[0].service_request_id;
    const c = await Case.findOne({ number }).lean();
    expect(c).toMatchObject({ place: PLACE, addressId: 'addr-1009', location: { coordinates: [LONG, LAT] } });
    expect(c!.attachments).toHaveLength(1);
    expect(c!.attachments[0]).toMatchObject({ contentType: 'image/jpeg', cleaned: true });
    const stored = (await storedBytes(c!.attachments[0]!.fileId)).toString('latin1');
    for (const planted of PLANTED) expect(stored).not.toContain(planted);

    const full = await request(t.app).get(`/open311/v2/requests/${number}.json`).query({ api_key: keys.admin }).expect(200);
    expect(full.body[0]).toMatchObject({ address: PLACE, address_id: 'addr-1009', lat: LAT, long: LONG, media_url: null });
  });

  it('when a Node client posts FormData with media and attributes, then it is filed; a second file or a non-image is refused naming media, a file under another name naming that name', async () => {
    const photo = (await jpegs()).exifGpsComment;
    const form = () => {
      const f = new FormData();
      f.set('api_key', keys.supervisor);
      f.set('service_code', 'conduct');
      f.set('description', '午间饮酒');
      f.set('lat', String(LAT));
      f.set('long', String(LONG));
      f.set('attribute[priority]', 'high');
      return f;
    };
    const ok = form();
    ok.set('media', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
    const sent = await nodeMultipart(ok);
    const res = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', sent.contentType).send(sent.body).expect(201);
    const c = await Case.findOne({ number: res.body[0].service_request_id }).lean();
    expect(c).toMatchObject({ description: '午间饮酒', location: { coordinates: [LONG, LAT] } });
    expect(c!.attachments.map((a) => a.cleaned)).toEqual([true]);

    const two = form();
    two.append('media', new Blob([photo], { type: 'image/jpeg' }), 'a.jpg');
    two.append('media', new Blob([photo], { type: 'image/jpeg' }), 'b.jpg');
    const twoSent = await nodeMultipart(two);
    const many = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', twoSent.contentType).send(twoSent.body).expect(400);
    expect(many.body).toEqual([{ code: 400, description: expect.stringMatching(/^media: too_many_files/) }]);

    const misnamed = form();
    misnamed.set('photo', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
    const misnamedSent = await nodeMultipart(misnamed);
    const wrongField = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', misnamedSent.contentType).send(misnamedSent.body).expect(400);
    expect(wrongField.body).toEqual([{ code: 400, description: expect.stringMatching(/^photo: unexpected_file \(is not accepted as a file/) }]);

    const text = form();
    text.set('media', new Blob(['just text'], { type: 'image/jpeg' }), 'fake.jpg');
    const textSent = await nodeMultipart(text);
    const bad = await request(t.app).post('/open311/v2/requests.json').set('Content-Type', textSent.contentType).send(textSent.body).expect(400);
    expect(bad.body).toEqual([{ code: 400, description: expect.stringMatching(/^media: file_type/) }]);
    expect(await Case.countDocuments()).toBe(1);
  });
});

describe('anonymous reads (status-only view)', () => {
  it('when a request is read without a key, then only its status fields come, in JSON and XML, for the list, the request and its token', async () => {
    const { filed } = await givenLocatedCase();
    const list = await request(t.app).get('/open311/v2/requests.json').expect(200);
    expect(list.body).toEqual([
      {
        service_request_id: filed.number,
        status: 'open',
        status_notes: '已交办',
        service_name: '行政不作为、乱作为',
        service_code: 'inaction',
        description: null,
        agency_responsible: null,
        service_notice: expect.any(String),
        requested_datetime: '2026-03-02T10:00:00+08:00',
        updated_datetime: '2026-03-02T10:00:00+08:00',
        expected_datetime: '2026-03-16T23:59:59+08:00',
        address: null,
        address_id: null,
        zipcode: null,
        lat: null,
        long: null,
        media_url: null,
      },
    ]);
    const one = await request(t.app).get(`/open311/v2/requests/${filed.number}.json`).expect(200);
    expect(one.body).toEqual(list.body);
    const token = await request(t.app).get(`/open311/v2/tokens/${filed.id}.xml`).expect(200);
    expect(token.text).toContain(`<service_request_id>${filed.number}</service_request_id>`);
    for (const url of ['/open311/v2/requests.json', '/open311/v2/requests.xml', `/open311/v2/requests/${filed.number}.json`, `/open311/v2/requests/${filed.number}.xml`, `/open311/v2/requests.xml?service_request_id=${filed.number}`]) {
      const res = await request(t.app).get(url).set('Origin', 'https://app.example.net').expect(200);
      expect(res.text).toContain(filed.number);
      expectNothingPrivate(res.text, [filed.trackingCode, 'addr-77']);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }

    // With a commission key: everything, and no CORS (a page elsewhere cannot read it).
    const full = await request(t.app).get(`/open311/v2/requests/${filed.number}.json`).query({ api_key: keys.commission }).set('Origin', 'https://app.example.net').expect(200);
    const unit = await unitByCode('LE01');
    expect(full.body[0]).toMatchObject({ description: DESCRIPTION, address: PLACE, address_id: 'addr-77', lat: LAT, long: LONG, agency_responsible: unit.nameZh });
    expect(full.headers['access-control-allow-origin']).toBeUndefined();
    expect(full.text).not.toMatch(/Wang Wu|13911112222|wang\.wu/);
  });

  it('when the commission marked a case publishable, then anyone reads its text, place, point and unit, but never the filer', async () => {
    const { filed, unit } = await givenLocatedCase();
    await Case.updateOne({ _id: filed.id }, { $set: { publishable: true } });
    const res = await request(t.app).get('/open311/v2/requests.json').expect(200);
    expect(res.body[0]).toMatchObject({ service_request_id: filed.number, description: DESCRIPTION, address: PLACE, lat: LAT, long: LONG, agency_responsible: unit.nameZh, media_url: null });
    expect(res.text).not.toMatch(/Wang Wu|13911112222|wang\.wu/);
  });

  it('when the commission withdraws the publishable mark, then the anonymous list drops the text at once, not a cache period later', async () => {
    const { filed } = await givenLocatedCase();
    await givenUser('commission', { username: 'o311c-marker' });
    const staff = browser(t.app);
    await staff.login('o311c-marker');
    const mark = async (publishable: boolean) => {
      const { csrf } = formTokens((await staff.agent.get(`/commission/cases/${filed.id}`).expect(200)).text);
      await staff.agent.post(`/commission/cases/${filed.id}/publishable`).type('form').send({ _csrf: csrf, publishable: String(publishable) }).expect(303);
    };
    const anonymousRow = async () => ((await request(t.app).get('/open311/v2/requests.json').expect(200)).body as { service_request_id: string; description?: string | null }[]).find((r) => r.service_request_id === filed.number);
    expect((await anonymousRow())?.description ?? null).toBeNull(); // cached now, before the mark
    await mark(true);
    expect((await anonymousRow())?.description).toBe(DESCRIPTION);
    await mark(false); // the app's clock stands still: only the drop can make the next read new
    const after = await anonymousRow();
    expect(after?.description ?? null).toBeNull();
    expect(JSON.stringify(after)).not.toContain(PLACE);
  });

  it('when the commission accepted the reply, then status_notes is the published reply', async () => {
    const { filed } = await givenLocatedCase();
    await Case.updateOne({ _id: filed.id }, { $set: { status: 'resolved', publicReply: { at: new Date('2026-03-05T02:00:00Z'), text: '已责令窗口整改，相关人员已批评教育。' } } });
    const res = await request(t.app).get(`/open311/v2/requests/${filed.number}.xml`).expect(200);
    expect(xmlTexts(res.text, 'status')).toEqual(['closed']);
    expect(xmlTexts(res.text, 'status_notes')).toEqual(['已责令窗口整改，相关人员已批评教育。']);
  });

  it('when a published reply or a publishable description names the filer or holds a phone or email, then anonymous readers get them masked (as on the public page) and a commission key the text as written', async () => {
    const { filed } = await givenLocatedCase();
    const reply = '已回访Wang Wu，电话１３８１２３４５６７８，邮箱lisi@example.com，问题已整改。';
    await Case.updateOne({ _id: filed.id }, { $set: { status: 'resolved', publishable: true, description: '窗口工作人员推诿，我的电话13911112222，请联系Wang Wu。', publicReply: { at: new Date('2026-03-05T02:00:00Z'), text: reply } } });
    for (const path of [`/open311/v2/requests/${filed.number}.json`, '/open311/v2/requests.json']) {
      const res = await request(t.app).get(path).expect(200);
      const row = res.body.find((r: { service_request_id: string }) => r.service_request_id === filed.number);
      expect(row.status_notes).toBe('已回访***，电话***，邮箱***，问题已整改。');
      expect(row.description).toBe('窗口工作人员推诿，我的电话***，请联系***。');
      expect(res.text).not.toMatch(/Wang Wu|13911112222|１３８|lisi@/);
    }
    const full = await request(t.app).get(`/open311/v2/requests/${filed.number}.json`).query({ api_key: keys.commission }).expect(200);
    expect(full.body[0].status_notes).toBe(reply);
  });

  it('when anonymous lists come again and again, then the cases are read once per cache period, not per call', async () => {
    const { filed } = await givenLocatedCase();
    const reads: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => {
      if (collection === 'cases') reads.push(method);
    });
    try {
      for (let i = 0; i < 5; i++) await request(t.app).get(`/open311/v2/requests.json?status=open&i=${i}`).expect(200);
      expect(reads).toEqual(['find']);
      // A change shows once the snapshot is older than OPEN311_PUBLIC_CACHE_SECONDS.
      await Case.updateOne({ _id: filed.id }, { $set: { status: 'closed' } });
      const stale = await request(t.app).get('/open311/v2/requests.json').expect(200);
      expect(stale.body[0].status).toBe('open');
      t.ctx.clock.set(new Date(START.getTime() + 61_000));
      const fresh = await request(t.app).get('/open311/v2/requests.json').expect(200);
      expect(fresh.body[0].status).toBe('closed');
      expect(reads.filter((m) => m === 'find')).toHaveLength(2);
    } finally {
      mongoose.set('debug', false);
    }
  });

  it('when an old request is outside the 90 days, then the anonymous list leaves it out and its number still reads', async () => {
    const old = await givenLocatedCase('2025-10-01T02:00:00Z');
    const recent = await givenLocatedCase('2026-02-20T02:00:00Z');
    const list = await request(t.app).get('/open311/v2/requests.json').expect(200);
    expect(list.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([recent.filed.number]);
    const byId = await request(t.app).get(`/open311/v2/requests.json?service_request_id=${old.filed.number},${recent.filed.number}`).expect(200);
    expect(byId.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([recent.filed.number, old.filed.number]);
    expect(byId.body[1]).toMatchObject({ description: null, address: null, lat: null });
    const closed = await request(t.app).get('/open311/v2/requests.json?status=closed').expect(200);
    expect(closed.body).toEqual([]);
  });

  it(`when one address reads more than ${LIMIT} times without a key, then 429 with Retry-After in the spec format; keyed reads go on`, async () => {
    const { filed } = await givenLocatedCase();
    for (let i = 0; i < LIMIT; i++) await request(t.app).get(`/open311/v2/requests/${filed.number}.json`).expect(200);
    const limited = await request(t.app).get(`/open311/v2/requests/${filed.number}.xml`).expect(429);
    const retry = Number(limited.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    expect(xmlTexts(limited.text, 'code')).toEqual(['429']);
    expect(limited.headers['access-control-allow-origin']).toBe('*');
    await request(t.app).get('/open311/v2/tokens/0123456789abcdef01234567.json').expect(429);
    await request(t.app).get(`/open311/v2/requests/${filed.number}.json`).query({ api_key: keys.commission }).expect(200);
    // Services stay open: they are not counted.
    await request(t.app).get('/open311/v2/services.json').expect(200);
  });
});

describe('CORS and OPTIONS', () => {
  const preflight = (url: string, method: string) => request(t.app).options(url).set('Origin', 'https://app.example.net').set('Access-Control-Request-Method', method);

  it('when a browser preflights a public read, then 204 allows GET from any origin without credentials', async () => {
    for (const url of ['/open311/v2/services.json', '/open311/v2/services/inaction.xml', '/open311/v2/discovery.json', '/open311/v2/requests.json', '/open311/v2/requests/2026-000001.xml', '/open311/v2/tokens/0123456789abcdef01234567.json']) {
      const res = await preflight(url, 'GET').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
    const services = await request(t.app).get('/open311/v2/services.json').expect(200);
    expect(services.headers['access-control-allow-origin']).toBe('*');
  });

  it('when a browser preflights a POST or a keyed read, then no CORS header is given, and the POST answer has none either', async () => {
    const post = await preflight('/open311/v2/requests.json', 'POST').expect(204);
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
    expect(post.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    const keyed = await preflight(`/open311/v2/requests.json?api_key=${keys.commission}`, 'GET').expect(204);
    expect(keyed.headers['access-control-allow-origin']).toBeUndefined();
    const filed = await request(t.app).post('/open311/v2/requests.json').set('Origin', 'https://app.example.net').type('form').send({ api_key: keys.commission, service_code: 'inaction', description: '窗口无人' }).expect(201);
    expect(filed.headers['access-control-allow-origin']).toBeUndefined();
    await request(t.app).options('/open311/v2/nothing.json').expect(404);
  });
});

describe('discovery', () => {
  it('when discovery.json and .xml are requested, then they name the production endpoint, its formats, changeset and contact', async () => {
    const json = await request(t.app).get('/open311/v2/discovery.json').expect(200);
    expect(json.body).toEqual({
      changeset: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/),
      contact: expect.stringContaining('县纪委监委'),
      key_service: `${t.ctx.config.BASE_URL.replace(/\/$/, '')}/account/tokens`,
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${t.ctx.config.BASE_URL.replace(/\/$/, '')}/open311/v2`, changeset: json.body.changeset, type: 'production', formats: ['application/json', 'text/xml'] }],
    });
    const xml = await request(t.app).get('/open311/v2/discovery.xml').expect(200);
    expect(xml.text).toContain('<discovery><changeset>');
    expect(xml.text).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(xmlTexts(xml.text, 'format')).toEqual(['application/json', 'text/xml']);
    expect(xmlTexts(xml.text, 'type')).toEqual(['production']);
  });
});

describe('the case page', () => {
  it('when the case API is read by the commission or the unit that has the case, then it gives the point and address id with the place', async () => {
    const { filed } = await givenLocatedCase();
    const unitUser = await givenUser('unit', { username: 'o311c-le01', unitCode: 'LE01' });
    const unitKey = await createApiToken(unitUser._id, 'o311c-le01');
    for (const key of [keys.commission, unitKey]) {
      const res = await request(t.app).get(`/api/v1/cases/${filed.id}`).set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body).toMatchObject({ place: PLACE, location: { lat: LAT, long: LONG }, addressId: 'addr-77' });
    }
    // A supervisor who did not file it does not see the case at all.
    await request(t.app).get(`/api/v1/cases/${filed.id}`).set('Authorization', `Bearer ${keys.supervisor}`).expect(404);
  });

  it('when the commission opens a case filed with coordinates, then the point is shown as text', async () => {
    const { filed } = await givenLocatedCase();
    const staff = browser(t.app);
    await staff.login('o311c-commission');
    const page = await staff.agent.get(`/commission/cases/${filed.id}`).expect(200);
    expect(page.text).toMatch(new RegExp(`<dd id="coordinates">纬度 ${LAT}，经度 ${LONG}</dd>`));
    expect(page.text).toContain('addr-77');
  });
});
