import { classify, MATRIX_END, MATRIX_START, readMatrix, renderMatrix, spliceReadme, type MatrixRow } from '../../scripts/access-matrix-table';

describe('access matrix table', () => {
  it.each([
    [200, undefined, 'allowed'],
    [302, '/commission/cases/1', 'allowed'],
    [400, undefined, 'allowed'],
    [409, undefined, 'allowed'],
    [302, '/login?next=%2Fadmin', 'forbidden'],
    [401, undefined, 'forbidden'],
    [403, undefined, 'forbidden'],
    [404, undefined, 'hidden'],
    [500, undefined, 'error'],
    [503, undefined, 'error'],
  ] as const)('when a probe answers %s (location %s), then it reads as %s', (status, location, outcome) => {
    expect(classify(status, location)).toBe(outcome);
  });

  it('when rows are rendered and spliced into a README, then the table sits between the markers and reads back unchanged', () => {
    const cell = (outcome: 'allowed' | 'forbidden' | 'hidden' | 'error', status: number) => ({ outcome, status });
    const rows: MatrixRow[] = [
      { method: 'GET', path: '/admin/users', credential: 'session', cells: { anonymous: cell('forbidden', 302), supervisor: cell('forbidden', 403), unit: cell('forbidden', 403), commission: cell('hidden', 404), admin: cell('allowed', 200) } },
      { method: 'GET', path: '/api/v1/me', credential: 'token', cells: { anonymous: cell('forbidden', 401), supervisor: cell('allowed', 200), unit: cell('allowed', 200), commission: cell('allowed', 200), admin: cell('error', 500) } },
    ];
    const table = renderMatrix(rows);
    expect(table.split('\n')).toEqual([
      '| method | path | as | anonymous | supervisor | unit | commission | admin |',
      '| --- | --- | --- | :-: | :-: | :-: | :-: | :-: |',
      '| GET | `/admin/users` | session | — | — | — | 404 | ✓ |',
      '| GET | `/api/v1/me` | token | — | ✓ | ✓ | ✓ | **500** |',
    ]);
    const readme = `# Title\n\n${MATRIX_START}\nold table\n${MATRIX_END}\n\n## Next\n`;
    const updated = spliceReadme(readme, table);
    expect(readMatrix(updated)).toBe(table);
    expect(updated.endsWith(`${MATRIX_END}\n\n## Next\n`)).toBe(true);
    expect(() => spliceReadme('# no markers', table)).toThrow(/access-matrix:start/);
  });
});
