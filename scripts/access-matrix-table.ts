// The access matrix's pure part: how one probe's answer is read, the markdown table, and its place
// in the README. The probing itself (a test app, a fixture, a session and a token per role) lives
// in test/helpers/access-matrix.ts and runs under jest, which owns the test services.

export const MATRIX_START = '<!-- access-matrix:start -->';
export const MATRIX_END = '<!-- access-matrix:end -->';

/** Who asks: nobody, or a user of each role (columns, in this order). */
export const PROBE_ROLES = ['anonymous', 'supervisor', 'unit', 'commission', 'admin'] as const;
export type ProbeRole = (typeof PROBE_ROLES)[number];

/**
 * allowed: the role got through (a page, a redirect after an action, or a 400/409/422 naming what
 * the empty body lacks); forbidden: 401/403 or a redirect to the login page; hidden: 404 (not this
 * role's record, or none); error: anything else (5xx above all), to be looked at.
 */
export type Outcome = 'allowed' | 'forbidden' | 'hidden' | 'error';

export function classify(status: number, location?: string): Outcome {
  if (status === 401 || status === 403) return 'forbidden';
  if (status >= 300 && status < 400 && location !== undefined && /^\/login(\?|$)/.test(location)) return 'forbidden';
  if (status === 404) return 'hidden';
  if (status >= 200 && status < 400) return 'allowed';
  // 400 validation, 409 invalid state, 413/415 body, 422, 429 limited: the role check was passed.
  if ([400, 409, 413, 415, 422, 429].includes(status)) return 'allowed';
  return 'error';
}

export interface MatrixRow {
  method: string;
  path: string;
  /** How the roles were presented: a session cookie (pages) or an API token (Bearer / api_key). */
  credential: 'session' | 'token';
  cells: Record<ProbeRole, { outcome: Outcome; status: number }>;
}

const SYMBOL: Record<Outcome, string> = { allowed: '✓', forbidden: '—', hidden: '404', error: '' };

export function renderMatrix(rows: readonly MatrixRow[]): string {
  const head = `| method | path | as | ${PROBE_ROLES.join(' | ')} |`;
  const rule = `| --- | --- | --- |${PROBE_ROLES.map(() => ' :-: |').join('')}`;
  const lines = rows.map((r) => {
    const cells = PROBE_ROLES.map((role) => {
      const c = r.cells[role];
      return c.outcome === 'error' ? `**${c.status}**` : SYMBOL[c.outcome];
    });
    return `| ${r.method} | \`${r.path}\` | ${r.credential} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

/** The README with the text between the markers replaced by `table`; throws without both markers. */
export function spliceReadme(readme: string, table: string): string {
  const start = readme.indexOf(MATRIX_START);
  const end = readme.indexOf(MATRIX_END);
  if (start < 0 || end < start) throw new Error(`README has no ${MATRIX_START} … ${MATRIX_END} section`);
  return `${readme.slice(0, start + MATRIX_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The table currently between the markers (trimmed), or null without them. */
export function readMatrix(readme: string): string | null {
  const start = readme.indexOf(MATRIX_START);
  const end = readme.indexOf(MATRIX_END);
  if (start < 0 || end < start) return null;
  return readme.slice(start + MATRIX_START.length, end).trim();
}
