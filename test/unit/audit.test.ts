import { judgeAudit } from '../../scripts/audit';

// What `npm audit --omit=dev --audit-level=high --json` printed, verbatim, in each situation.
// The registry this project uses answered the first (2026-11-28): its mirror refuses the POST.
const REFUSED = JSON.stringify({
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
});
const UNREACHABLE = JSON.stringify({
  message: 'request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9',
  error: { summary: '', detail: '' },
});
const report = (counts: Record<string, number>, vulnerabilities: Record<string, { name: string; severity: string }> = {}) =>
  JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts }, dependencies: { prod: 120 } } });

describe('dependency audit verdict', () => {
  it('when the registry refuses the audit request, then it is unavailable (said, not failed), naming the refusal', () => {
    expect(judgeAudit(1, REFUSED)).toEqual({ kind: 'unavailable', reason: expect.stringMatching(/refused.*405 Method Not Allowed/) });
  });

  it('when the registry cannot be reached, then it is unavailable, naming the system error', () => {
    expect(judgeAudit(1, UNREACHABLE)).toEqual({ kind: 'unavailable', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('when the report has a high or critical advisory, then it is vulnerable, naming the packages', () => {
    const v = judgeAudit(1, report({ high: 1, moderate: 2 }, { 'path-to-regexp': { name: 'path-to-regexp', severity: 'high' }, debug: { name: 'debug', severity: 'moderate' } }));
    expect(v).toEqual({ kind: 'vulnerable', counts: expect.objectContaining({ high: 1 }), packages: ['path-to-regexp (high)'] });
    expect(judgeAudit(1, report({ critical: 1 }, { ejs: { name: 'ejs', severity: 'critical' } })).kind).toBe('vulnerable');
  });

  it('when the report has only moderate or low advisories, or none, then it is clean', () => {
    expect(judgeAudit(0, report({ moderate: 3, low: 1 }, { debug: { name: 'debug', severity: 'moderate' } })).kind).toBe('clean');
    expect(judgeAudit(0, report({})).kind).toBe('clean');
  });

  it('when npm prints something else, then it is unreadable (which fails), never clean', () => {
    expect(judgeAudit(1, 'npm error something went wrong').kind).toBe('unreadable');
    expect(judgeAudit(0, JSON.stringify({ auditReportVersion: 3 })).kind).toBe('unreadable');
  });
});
