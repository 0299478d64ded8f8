import { countyYear, formatCaseNumber } from '../../src/cases/case.numbers';
import { canTransition, CASE_STATES, FINAL_STATES, fromStates, OPEN_STATES, TRANSITIONS } from '../../src/cases/case.states';

describe('case numbers', () => {
  it('when a case is filed late on 31 December UTC, then it counts in the county year (Asia/Shanghai)', () => {
    expect(countyYear(new Date('2026-12-31T15:59:59Z'), 'Asia/Shanghai')).toBe(2026);
    expect(countyYear(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe(2027);
  });
  it('when numbered, then the sequence is zero-padded to six digits after the year', () => {
    expect(formatCaseNumber(2026, 123)).toBe('2026-000123');
    expect(formatCaseNumber(2027, 1234567)).toBe('2027-1234567');
  });
});

describe('case states', () => {
  it('when a case is closed, rejected or split, then no transition leaves it', () => {
    for (const final of FINAL_STATES) for (const to of CASE_STATES) expect(canTransition(final, to)).toBe(false);
  });
  it('when submitted, then it can be assigned, rejected or split but not resolved', () => {
    expect(canTransition('submitted', 'assigned')).toBe(true);
    expect(canTransition('submitted', 'rejected')).toBe(true);
    expect(canTransition('submitted', 'split')).toBe(true);
    expect(canTransition('submitted', 'resolved')).toBe(false);
  });
  it('when a unit has the case, then the commission may re-route it but not reject or split it', () => {
    expect(fromStates('reroute')).toEqual(['assigned', 'acknowledged', 'sent_back']);
    expect(fromStates('reject')).not.toContain('assigned');
    expect(fromStates('split')).not.toContain('assigned');
  });
  it('every transition starts from open states and ends in a known state', () => {
    for (const [name, t] of Object.entries(TRANSITIONS)) {
      for (const from of t.from) expect([name, FINAL_STATES.includes(from)]).toEqual([name, false]);
      expect(CASE_STATES).toContain(t.to);
    }
  });
  it('open states are neither final nor resolved', () => {
    for (const s of OPEN_STATES) expect([...FINAL_STATES, 'resolved']).not.toContain(s);
  });
});
