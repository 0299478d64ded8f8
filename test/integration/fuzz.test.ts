import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { complaintInput } from '../../src/intake/complaint.schemas';
import { fileComplaint } from '../../src/intake/filing.service';
import { Ballot } from '../../src/evaluation/evaluation.models';
import { Representative } from '../../src/evaluation/representative.model';
import { useTestApp } from '../helpers/app';
import { aCategory, givenUser, unitByCode } from '../helpers/builders';
import { formTokens } from '../helpers/http';

/**
 * Issue 12's fuzz pass: for a bounded time, random and malformed requests at every public
 * endpoint. No answer may be a 5xx or carry a stack trace, none may hang, and a refused
 * submission stores nothing. Deterministic from its seed, printed with any failure:
 *   FUZZ_SEED=1234 FUZZ_MS=60000 npx jest test/integration/fuzz.test.ts
 */
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 20000);
const REQUEST_TIMEOUT_MS = Number(process.env.FUZZ_REQUEST_TIMEOUT_MS ?? 10000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// Limits high enough that the fuzz reaches the parsers and services, not the flood guards.
const t = useTestApp({ seed: 'once', config: { INTAKE_LIMIT_PER_HOUR: '1000000', TRACK_LIMIT_PER_10MIN: '1000000', BALLOT_MISS_LIMIT_PER_10MIN: '1000000' } });

/** mulberry32: small, fast and the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const FIELDS = [
  'username', 'password', 'next', 'code', 'secret', 'text', 'rating', 'comment', 'description', 'categoryCode', 'place', 'name', 'phone',
  'email', 'eventDate', 'unitId', 'idempotencyKey', 'fromCitizenMet', 'channel', 'service_code', 'lat', 'long', 'address_string',
  'first_name', 'last_name', 'api_key', 'attribute', 'ratings', 'score', 'panel', 'entries', 'seed', 'lang', 'from', 'workingDays',
];
const NASTY_KEYS = ['$gt', '$ne', '$where', '$regex', '$in', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'a.b', '', ' ', 'a[b]', '[]', '😀', '\u0000'];
const STRINGS = [
  '', ' ', '0', '-1', '1e308', 'NaN', 'null', 'true', '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31', '%ZZ', '%', '%00', '../../etc/passwd',
  '<script>alert(1)</script>', '{{7*7}}', '<%= 7*7 %>', "' OR 1=1 --", '{"$gt":""}', 'ＡＢＣ', '投诉', '😀😀', '\u202e', '\ud800', '\u0000', '\r\n', 'A'.repeat(5000),
  'efficiency', 'ABCDE-FGHIJ', '00000-00000', 'x@y', 'a@b.cn', '13800138000', '1'.repeat(40), 'a'.repeat(24), '0123456789abcdef01234567',
];

function randomString(r: Rng): string {
  if (r.chance(0.5)) return r.pick(STRINGS);
  const n = r.pick([1, 5, 20, 200, 1000]);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.8) ? 32 + r.int(95) : r.int(0x10000));
  return s;
}

function randomValue(r: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? 4 : 7;
  switch (r.int(kinds)) {
    case 0:
    case 1:
      return randomString(r);
    case 2:
      return r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 5, 3]);
    case 3:
      return r.pick([true, false, null]);
    case 4:
      // Wide only near the top: a body stays within a few hundred kB.
      return Array.from({ length: r.pick(depth ? [0, 1, 3] : [0, 1, 3, 30]) }, () => randomValue(r, depth ? depth + 1 : 4));
    default:
      return randomObject(r, depth + 1);
  }
}

function randomObject(r: Rng, depth = 0): Record<string, unknown> {
  // JSON.parse makes "__proto__" an own field; an object literal would set the prototype.
  const o: Record<string, unknown> = {};
  for (let i = r.int(6); i >= 0; i--) Object.defineProperty(o, r.chance(0.75) ? r.pick(FIELDS) : r.pick(NASTY_KEYS), { value: randomValue(r, depth), enumerable: true, writable: true, configurable: true });
  return o;
}

/** A value nested `levels` deep (arrays, or objects under an operator key). */
function deep(levels: number, op: boolean): string {
  return op ? `${'{"$gt":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

/** Percent-encodes any text, lone surrogates included (as U+FFFD). */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
/** Left unencoded: only what can stand in a request line as it is. */
const raw = (s: string) => s.replace(/[^\x21-\x7e]|[&=#]/g, '');

function flatForm(r: Rng, o: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = r.chance(0.2) ? `${k}[${r.pick(NASTY_KEYS)}]` : r.chance(0.1) ? `${k}[]` : k;
    const value = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
    parts.push(`${r.chance(0.1) ? raw(key) : enc(key)}=${r.chance(0.1) ? raw(value) : enc(value)}`);
  }
  if (r.chance(0.1)) parts.push('%ZZ=%ZZ', '=', '&&', 'a');
  return parts.join('&');
}

function multipart(r: Rng, o: Record<string, unknown>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(o)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '')}"\r\n\r\n${typeof v === 'string' ? v : JSON.stringify(v)}\r\n`));
  }
  if (r.chance(0.5)) {
    const file = r.pick([Buffer.from('%PDF-1.4 hello'), Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]), Buffer.alloc(r.pick([0, 10, 70000]), 7), Buffer.from('MZ\x90\x00')]);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${r.pick(['attachments', 'file', 'x', '__proto__'])}"; filename="${r.pick(['a.pdf', '../../x', '', '😀.jpg'])}"\r\nContent-Type: ${r.pick(['application/pdf', 'image/jpeg', 'text/html'])}\r\n\r\n`), file, Buffer.from('\r\n'));
  }
  if (!r.chance(0.2)) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  if (r.chance(0.1)) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: broken\r\n`));
  return Buffer.concat(chunks);
}

/** 5 MB of spaces in 5 kB: the limit must count what it inflates to. */
const BOMB = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Submissions: a refused one must store nothing. */
  submits: boolean;
}

interface Ctx {
  csrf: string;
  cookie: string;
  token: string;
  code: string;
  secret: string;
  /** A live ballot's one-time code, its evaluation and a unit on it. */
  ballot: string;
  evaluationId: string;
  unitId: string;
}

const SUBMIT = /^\/(complaints|api\/v1\/complaints|open311\/v2\/requests\.\w+|track\/supplement|track\/rate|api\/v1\/tracking\/(supplements|rating)|ballot\/[^/]+|api\/v1\/ballots\/[^/]+)$/;

const ENDPOINTS: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/complaints/new' },
  { method: 'POST', path: '/complaints' },
  { method: 'GET', path: '/complaints/received' },
  { method: 'GET', path: '/track' },
  { method: 'POST', path: '/track' },
  { method: 'POST', path: '/track/supplement' },
  { method: 'POST', path: '/track/rate' },
  { method: 'GET', path: '/login' },
  { method: 'POST', path: '/login' },
  { method: 'POST', path: '/logout' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/api/v1/openapi.json' },
  { method: 'POST', path: '/api/v1/tracking' },
  { method: 'POST', path: '/api/v1/tracking/supplements' },
  { method: 'POST', path: '/api/v1/tracking/rating' },
  { method: 'POST', path: '/api/v1/complaints' },
  { method: 'GET', path: '/api/v1/cases/%s' },
  { method: 'GET', path: '/api/v1/calendar/due-date' },
  { method: 'GET', path: '/api/v1/ballots/%s' },
  { method: 'PUT', path: '/api/v1/ballots/%s' },
  { method: 'POST', path: '/api/v1/draw/verify' },
  { method: 'GET', path: '/open311/v2/services.%f' },
  { method: 'GET', path: '/open311/v2/services/%s.%f' },
  { method: 'POST', path: '/open311/v2/requests.%f' },
  { method: 'GET', path: '/open311/v2/requests.%f' },
  { method: 'GET', path: '/open311/v2/requests/%s.%f' },
  { method: 'GET', path: '/open311/v2/tokens/%s.%f' },
  { method: 'GET', path: '/public/evaluations' },
  { method: 'GET', path: '/public/evaluations/%s' },
  { method: 'GET', path: '/public/evaluations/%s/results.csv' },
  { method: 'GET', path: '/public/evaluations/%s/snapshot.json' },
  { method: 'GET', path: '/ballot/%s' },
  { method: 'POST', path: '/ballot/%s' },
  { method: 'GET', path: '/notices/%s' },
  { method: 'GET', path: '/admin/queues' },
  { method: 'GET', path: '/static/%s' },
];

const SEGMENTS = ['%ZZ', '%', '%E4%B8', 'abc', '0123456789abcdef01234567', '..%2F..%2Fetc', '😀', '%00', 'a'.repeat(3000), '', '.json', 'efficiency', '%2e%2e'];

function probe(r: Rng, c: Ctx): Probe {
  const ep = r.pick(ENDPOINTS);
  const method = r.chance(0.9) ? ep.method : r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const segment = () => (r.chance(0.3) ? r.pick([c.ballot, c.evaluationId]) : encodeURI(r.pick(SEGMENTS)).replace(/%25/g, '%'));
  let path = ep.path.replace(/%s/g, segment).replace(/%f/g, () => r.pick(['json', 'xml', 'json', 'html', '']));
  if (r.chance(0.4)) {
    const q = randomObject(r);
    if (r.chance(0.3)) q.api_key = c.token;
    path += `?${flatForm(r, q)}`;
  }
  if (r.chance(0.03)) path = path.replace(/^\//, '//');

  const headers: Record<string, string> = {};
  const fields = randomObject(r);
  // Enough of the right credentials that most requests reach the parsers and the services.
  if (r.chance(0.8)) headers.cookie = c.cookie;
  if (r.chance(0.7)) fields._csrf = c.csrf;
  if (r.chance(0.3)) headers['x-csrf-token'] = c.csrf;
  if (r.chance(0.5) && path.startsWith('/api/')) headers.authorization = r.chance(0.8) ? `Bearer ${c.token}` : r.pick(['Bearer', 'Basic abc', `Bearer ${'x'.repeat(5000)}`, 'Bearer ' + c.token + '\t']);
  if (r.chance(0.4)) {
    fields.code = r.chance(0.7) ? c.code : randomValue(r);
    fields.secret = r.chance(0.7) ? c.secret : randomValue(r);
  }
  if (r.chance(0.2)) fields.api_key = c.token;
  // The ballot's fields: a rating per unit on the form, a list of them in the API.
  if (r.chance(0.3)) fields[`r_${r.chance(0.8) ? c.unitId : r.pick(NASTY_KEYS)}`] = r.chance(0.7) ? r.pick(['satisfied', 'dissatisfied', 'basically_satisfied', 'unknown', '101', '-1']) : randomValue(r);
  if (r.chance(0.3)) fields.ratings = Array.from({ length: r.pick([0, 1, 2, 300]) }, () => (r.chance(0.7) ? { unitId: r.chance(0.8) ? c.unitId : randomValue(r), rating: r.pick(['satisfied', 'x', 5]), score: randomValue(r) } : randomValue(r)));
  if (r.chance(0.2)) headers['idempotency-key'] = r.pick(['k'.repeat(20), '', 'x'.repeat(500), '😀'.normalize()]).replace(/[^\x20-\x7e]/g, '?');
  if (r.chance(0.2)) headers.origin = r.pick(['null', 'http://evil.example', '::::', 'http://127.0.0.1']);
  if (r.chance(0.1)) headers.referer = r.pick(['null', '%ZZ', 'javascript:1']);
  if (r.chance(0.2)) headers['accept-language'] = r.pick(['en', 'zh', '*', 'xx-YY;q=abc', ',,,']);
  if (r.chance(0.2)) headers.accept = r.pick(['application/json', 'text/html', '*/*', 'application/xml', '']);
  if (r.chance(0.1)) headers['x-request-id'] = r.pick(['a'.repeat(1000), '\t', 'id']);
  if (r.chance(0.1)) headers.cookie = r.pick(['sid=s%3Agarbage.sig', 'lang=xx', 'receipt=s%3A%7B%7D.x', 'csrf=' + 'a'.repeat(32), 'a=%ZZ', ';;;=', `${c.cookie}; sid=s%3A${'a'.repeat(100)}`]);

  let body: Buffer | undefined;
  const writes = method !== 'GET' && method !== 'HEAD' ? true : r.chance(0.05);
  if (writes) {
    const kind = r.int(12);
    const boundary = 'fuzzBoundary' + r.int(1e6);
    switch (kind) {
      case 0:
      case 1:
      case 2:
        headers['content-type'] = r.pick(['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/vnd.api+json', 'application/json; charset=latin1']);
        body = Buffer.from(r.chance(0.8) ? JSON.stringify(fields) : r.pick([deep(r.pick([10, 5000, 40000]), r.chance(0.5)), '{"a":', '[1,2,', '"str"', 'null', '1', '{"a":1}garbage', '\ufeff{}', '']));
        break;
      case 3:
      case 4:
      case 5:
        headers['content-type'] = r.pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=iso-8859-1', 'application/x-www-form-urlencoded; charset=klingon']);
        body = Buffer.from(flatForm(r, fields));
        break;
      case 6:
      case 7:
        headers['content-type'] = r.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', `multipart/form-data; boundary="${boundary}"`, 'multipart/mixed; boundary=x']);
        body = multipart(r, fields, boundary);
        if (r.chance(0.7) && !path.includes('?')) path += `?_csrf=${encodeURIComponent(c.csrf)}`;
        break;
      case 8:
        headers['content-type'] = r.pick(['text/plain', 'application/xml', 'application/octet-stream', '', 'garbage', '*/*', 'application/x-www-form-urlencoded; charset']);
        body = Buffer.from(Array.from({ length: r.pick([0, 10, 1000]) }, () => r.int(256)));
        break;
      case 9: {
        // Compressed bodies: valid gzip, a lie, an encoding nobody knows, a bomb past the limit.
        headers['content-type'] = r.pick(['application/json', 'application/x-www-form-urlencoded']);
        const plain = Buffer.from(headers['content-type'] === 'application/json' ? JSON.stringify(fields) : flatForm(r, fields));
        const how = r.int(4);
        headers['content-encoding'] = ['gzip', 'gzip', 'klingon', 'gzip'][how]!;
        body = how === 0 ? gzipSync(plain) : how === 1 ? plain : how === 2 ? plain : BOMB;
        break;
      }
      case 10:
        // Huge: past the 100 kB limit, as JSON or as many form fields.
        headers['content-type'] = r.pick(['application/json', 'application/x-www-form-urlencoded']);
        body = Buffer.from(headers['content-type'] === 'application/json' ? JSON.stringify({ description: 'x'.repeat(150_000) }) : Array.from({ length: 1500 }, (_, i) => `f${i}=1`).join('&'));
        break;
      default:
        body = Buffer.alloc(0);
        if (r.chance(0.5)) headers['content-type'] = 'application/json';
    }
  }
  return { method, path, headers, body, submits: (method === 'POST' || method === 'PUT') && SUBMIT.test(path.split('?')[0]!) };
}

interface Answer {
  status: number;
  cookies: string[];
  type: string;
  text: string;
}

function send(base: AddressInfo, p: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: base.port, method: p.method, path: p.path, headers: { ...p.headers, ...(p.body ? { 'content-length': String(p.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size < 200_000) chunks.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    // The server may answer (413, 415) and close before it has read a large body.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(p.body);
  });
}

/** Bytes no HTTP client library will send: the server must answer them or close, and live on. */
const RAW = [
  'POST /track HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n',
  'POST /api/v1/tracking HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}',
  'GET / HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n',
  'GARBAGE\r\n\r\n',
];

function sendRaw(base: AddressInfo, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(base.port, '127.0.0.1');
    let got = '';
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) socket.end();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(got) : reject(err)));
    socket.write(Buffer.from(bytes, 'latin1'));
  });
}

const STACK = /node_modules|\n\s+at [\w.<]+ \(|\bat Object\.|<pre>\w*Error/;

async function stored(caseId: string) {
  const [cases, complainants, known, ballots] = await Promise.all([Case.countDocuments(), Complainant.countDocuments(), Case.findById(caseId).lean(), Ballot.find().lean()]);
  return JSON.stringify({ cases, complainants, known: known?.updatedAt, ballots: ballots.map((b) => b.ratings) });
}

it(
  `when random and malformed requests hit the public endpoints for ${FUZZ_MS} ms (seed ${SEED}), then none is a 5xx, none hangs, and refused submissions store nothing`,
  async () => {
    const server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = server.address() as AddressInfo;
    try {
      // A real case and its receipt, so that tracking requests can reach the case behind them.
      const commission = await givenUser('commission', { username: 'fuzz-staff' });
      const token = await createApiToken(commission._id, 'fuzz');
      const filed = await fileComplaint(t.ctx, complaintInput.parse({ categoryCode: await aCategory(), description: '窗口工作人员态度恶劣，拖延办理。' }), { channel: 'web' });
      // The form's CSRF token is bound to the cookie that came with it.
      const form = await send(base, { method: 'GET', path: '/complaints/new', headers: {}, submits: false });
      const cookie = form.cookies.map((x) => x.split(';')[0]).join('; ');
      // A voting evaluation with issued ballots, so that ballot requests reach a real one.
      await Representative.insertMany([
        { kind: 'entrepreneur', name: '企业家甲', organization: '甲', email: 'a@firm.example' },
        { kind: 'public', name: '群众乙', publicRole: 'citizen', phone: '13900000001' },
      ]);
      const api = (path: string, body: object = {}) => supertest(t.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body);
      const { id: evaluationId } = (await api('/evaluations', { year: 2026, name: '模糊测试评议', rules: { quota: { entrepreneur: 1, public: 1 }, scale: 'three-level', minBallots: 1 } }).expect(201)).body as { id: string };
      await api(`/evaluations/${evaluationId}/draw`, { seed: 'fuzz' }).expect(200);
      const issued = (await api(`/evaluations/${evaluationId}/ballots/issue`).expect(200)).body as { code: string }[];
      const c: Ctx = {
        csrf: formTokens(form.text).csrf,
        cookie,
        token,
        code: filed.trackingCode,
        secret: filed.trackingSecret,
        ballot: issued[0]!.code,
        evaluationId,
        unitId: String((await unitByCode('CM02'))._id),
      };

      const r = prng(SEED);
      const failures: string[] = [];
      const end = Date.now() + FUZZ_MS;
      let n = 0;
      const statuses: Record<number, number> = {};
      while (Date.now() < end && failures.length < 10) {
        n++;
        if (r.chance(0.02)) {
          const bytes = r.pick(RAW);
          try {
            const got = await sendRaw(base, bytes);
            if (/^HTTP\/1\.1 5/.test(got) || STACK.test(got)) failures.push(`#${n} raw ${JSON.stringify(bytes)} -> ${got.slice(0, 300)}`);
          } catch (err) {
            failures.push(`#${n} raw ${JSON.stringify(bytes)} -> ${(err as Error).message}`);
          }
          continue;
        }
        const p = probe(r, c);
        const what = `#${n} ${p.method} ${p.path.slice(0, 200)} ${JSON.stringify(p.headers).slice(0, 300)} body ${p.body ? JSON.stringify(p.body.subarray(0, 300).toString('latin1')) : '-'}`;
        const before = p.submits ? await stored(filed.id) : '';
        try {
          const t0 = Date.now();
          const a = await send(base, p);
          // FUZZ_DEBUG=1 lists every request with its answer and time.
          if (process.env.FUZZ_DEBUG) process.stdout.write(`${Date.now() - t0}ms ${a.status} ${what.slice(0, 160)}\n`);
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          if (a.status >= 500) failures.push(`${what} -> ${a.status} ${a.text.slice(0, 500)}`);
          else if (STACK.test(a.text)) failures.push(`${what} -> ${a.status} shows a stack trace: ${a.text.slice(0, 500)}`);
          else if (p.submits && a.status >= 400 && (await stored(filed.id)) !== before) failures.push(`${what} -> ${a.status} but something was stored`);
        } catch (err) {
          failures.push(`${what} -> ${(err as Error).message}`);
        }
      }
      // Still serving after all that.
      expect((await send(base, { method: 'GET', path: '/healthz', headers: {}, submits: false })).status).toBe(200);
      if (failures.length) throw new Error(`fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED}), ${n} requests, ${failures.length} failures:\n${failures.join('\n')}`);
      // How much was tried, for whoever reads the run.
      process.stdout.write(`fuzz seed ${SEED}: ${n} requests, answers ${JSON.stringify(statuses)}\n`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
  FUZZ_MS + 60_000,
);
