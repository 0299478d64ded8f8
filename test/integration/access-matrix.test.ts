import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listRoutes } from '../../src/platform/http/route-table';
import { ROLES } from '../../src/users/user.model';
import { PROBE_ROLES, classify, readMatrix, renderMatrix, spliceReadme } from '../../scripts/access-matrix-table';
import { useTestApp } from '../helpers/app';
import { givenMatrixFixture, probe, probeAll, type MatrixFixture, type ProbedRow } from '../helpers/access-matrix';

// The README's access matrix is generated here: `npm run access-matrix` runs this file with
// ACCESS_MATRIX_WRITE=1 and writes the table; otherwise a table that differs from the app's fails.
const README = path.resolve(__dirname, '../../README.md');
const PROBE_MS = 300_000;

const t = useTestApp({
  seed: 'once',
  workers: 'once',
  // Hundreds of requests from one address: the per-IP limits would answer 429 before the role check.
  config: { INTAKE_LIMIT_PER_HOUR: '100000', TRACK_LIMIT_PER_10MIN: '100000', BALLOT_MISS_LIMIT_PER_10MIN: '100000', LOGIN_MAX_ATTEMPTS: '100000' },
});
let fx: MatrixFixture;
let rows: ProbedRow[];

beforeAll(async () => {
  fx = await givenMatrixFixture(t.ctx, t.app);
  rows = await probeAll(t.app, fx);
}, PROBE_MS);

describe('access matrix', () => {
  it('when every route is requested by every role, then the README shows exactly that matrix', () => {
    const table = renderMatrix(rows);
    const readme = readFileSync(README, 'utf8');
    if (process.env.ACCESS_MATRIX_WRITE === '1') writeFileSync(README, spliceReadme(readme, table));
    else expect(readMatrix(readme)).toBe(table);
  });

  it('when a route is not theirs, then the role gets 401/403/404 or the login page and none of the case\'s data', () => {
    const leaks: string[] = [];
    for (const row of rows) {
      for (const role of PROBE_ROLES) {
        const a = row.answers[role];
        const outcome = classify(a.status, a.location);
        if (outcome !== 'forbidden' && outcome !== 'hidden') continue;
        expect([302, 303, 401, 403, 404]).toContain(a.status);
        for (const m of fx.markers) if (a.body.includes(m)) leaks.push(`${role} ${row.method} ${row.path} (${a.status}) shows "${m}"`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('when the anonymous column says forbidden, then it is the login page for pages and 401/403 for the API', () => {
    for (const row of rows) {
      const a = row.answers.anonymous;
      if (classify(a.status, a.location) !== 'forbidden') continue;
      if (row.credential === 'session') expect({ route: `${row.method} ${row.path}`, login: /^\/login\?next=/.test(a.location ?? '') }).toEqual({ route: `${row.method} ${row.path}`, login: true });
      else expect([401, 403]).toContain(a.status);
    }
  });

  it('when no route errs, then no cell is a 5xx', () => {
    const errors = rows.flatMap((r) => PROBE_ROLES.filter((role) => r.cells[role].outcome === 'error').map((role) => `${role} ${r.method} ${r.path}: ${r.cells[role].status}`));
    expect(errors).toEqual([]);
  });

  it('when a page is sent an API token, or the API a session cookie, then it counts for nothing (as anonymous)', async () => {
    const differ: string[] = [];
    for (const route of listRoutes(t.app).filter((r) => r.method === 'GET' || r.method === 'ALL')) {
      const anonymous = await probe(t.app, fx, route, { role: 'anonymous', via: 'own' });
      for (const role of ROLES) {
        const crossed = await probe(t.app, fx, route, { role, via: 'crossed' });
        if (classify(crossed.status, crossed.location) !== classify(anonymous.status, anonymous.location)) differ.push(`${role} ${route.method} ${route.path}: ${crossed.status}, anonymous ${anonymous.status}`);
      }
    }
    expect(differ).toEqual([]);
  }, PROBE_MS);
});
