// A minimal HTTP client for the benchmarks that time pages behind a login: GET and form POST with
// a cookie jar, and a staff login through the real login form (CSRF token included).
import http from 'node:http';

/** GET with the cookie header, answering status, body, headers and the time to the last byte. */
export function get(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ port, path, headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    }).on('error', reject);
  });
}

export function post(port, path, cookie, form) {
  return new Promise((resolve, reject) => {
    const data = new URLSearchParams(form).toString();
    const req = http.request({ port, path, method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

export const cookies = (headers, jar = {}) => {
  for (const c of headers['set-cookie'] ?? []) {
    const [pair] = c.split(';');
    const [k, v] = pair.split('=');
    jar[k] = v;
  }
  return jar;
};
export const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

/** Logs in through /login; answers the cookie header. Throws unless it lands on `expect`. */
export async function login(port, username, password, expect) {
  const jar = {};
  const page = await get(port, '/login', '');
  cookies(page.headers, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)[1];
  const res = await post(port, '/login', cookieHeader(jar), { _csrf: csrf, username, password });
  cookies(res.headers, jar);
  if (res.headers.location !== expect) throw new Error(`login went to ${res.headers.location}`);
  return cookieHeader(jar);
}
