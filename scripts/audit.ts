import { spawnSync } from 'node:child_process';

// `npm run deps:audit` (and a CI step): `npm audit --omit=dev --audit-level=high`, read from its
// JSON. High or critical advisories on a production dependency fail; a registry whose audit
// endpoint refuses (some mirrors answer 405 to the bulk advisory POST) or cannot be reached is
// said plainly and does not fail, since no answer is not a finding. Anything else npm prints
// fails, so a changed format cannot pass as clean. A command-line tool: it reports on stdout.

export type AuditVerdict =
  | { kind: 'clean'; counts: Record<string, number> }
  | { kind: 'vulnerable'; counts: Record<string, number>; packages: string[] }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'unreadable'; reason: string };

const FAILING = ['high', 'critical'];

interface AuditJson {
  vulnerabilities?: Record<string, { name?: string; severity?: string }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  statusCode?: number;
  message?: string;
  error?: { code?: string; summary?: string; detail?: string };
}

/** What `npm audit --json` said, from its exit code and standard output. */
export function judgeAudit(exitCode: number | null, stdout: string): AuditVerdict {
  let json: AuditJson;
  try {
    json = JSON.parse(stdout) as AuditJson;
  } catch {
    return { kind: 'unreadable', reason: `npm audit exited ${exitCode} without a JSON report` };
  }
  if (json.metadata?.vulnerabilities) {
    const counts = json.metadata.vulnerabilities;
    const packages = Object.values(json.vulnerabilities ?? {})
      .filter((v) => FAILING.includes(v.severity ?? ''))
      .map((v) => `${v.name} (${v.severity})`)
      .sort();
    const failing = FAILING.reduce((n, s) => n + (counts[s] ?? 0), 0);
    return failing > 0 || packages.length > 0 ? { kind: 'vulnerable', counts, packages } : { kind: 'clean', counts };
  }
  // No report: the registry refused the request (an HTTP status) or was not reached (a system code).
  const status = json.statusCode ?? /\b([45]\d\d)\b/.exec(json.message ?? '')?.[1];
  if (status) return { kind: 'unavailable', reason: `the registry's audit endpoint refused: ${json.message ?? `HTTP ${status}`}` };
  // npm 10 puts the system error in the message ("request to … failed, reason: connect ECONNREFUSED …").
  const code = json.error?.code ?? /\b(E[A-Z]{4,}|ERR_SOCKET_TIMEOUT)\b/.exec(json.message ?? '')?.[1];
  if (code) return { kind: 'unavailable', reason: `the registry could not be reached (${code}): ${json.message ?? json.error?.summary ?? ''}`.trim() };
  return { kind: 'unreadable', reason: `npm audit exited ${exitCode} with neither a report nor a registry error: ${stdout.slice(0, 300)}` };
}

function main(): void {
  const r = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const v = judgeAudit(r.status, r.stdout ?? '');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const counts = (c: Record<string, number>) => ['critical', 'high', 'moderate', 'low'].map((s) => `${c[s] ?? 0} ${s}`).join(', ');
  switch (v.kind) {
    case 'clean':
      say(`npm audit (production dependencies): no high or critical advisories (${counts(v.counts)})`);
      return;
    case 'vulnerable':
      say(`npm audit (production dependencies): ${counts(v.counts)}; high or critical in: ${v.packages.join(', ')}`);
      say('run `npm audit --omit=dev` for the advisories and fixes');
      process.exitCode = 1;
      return;
    case 'unavailable':
      say(`npm audit NOT CHECKED: ${v.reason}. No advisories were read; this step does not fail for that.`);
      return;
    case 'unreadable':
      say(`npm audit: ${v.reason}`);
      process.exitCode = 1;
  }
}

if (require.main === module) main();
