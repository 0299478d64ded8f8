import { contributions, coverOf, difference, type CaseMark } from '../../src/oversight/counters';
import { bucketsOf, periodOf } from '../../src/oversight/periods';
import { composite, rankSeries } from '../../src/oversight/ranking';

const unit = (unitCode: string, cases: number, r: [number | null, number | null, number | null]) => ({ unitId: unitCode.toLowerCase(), unitCode, cases, responseRate: r[0], resolutionRate: r[1], satisfactionRate: r[2] });

describe('the monthly three-rate ranking', () => {
  it('when a unit has one case (fewer than 5), then it is neither first nor last, shown as too few cases', () => {
    const rows = rankSeries([unit('U1', 1, [1, 1, 1]), unit('U2', 6, [1, 0.5, 0.5]), unit('U3', 5, [0.5, 0.5, 0.5]), unit('U4', 1, [0, 0, 0])], 5);
    expect(rows.map((r) => [r.unitCode, r.rank, r.tooFewCases])).toEqual([
      ['U2', 1, false],
      ['U3', 2, false],
      ['U1', null, true],
      ['U4', null, true],
    ]);
  });

  it('when composites tie, then more cases rank first; equal composite and cases share the rank', () => {
    const rows = rankSeries([unit('A', 5, [0.5, 0.5, 0.5]), unit('B', 8, [0.5, 0.5, 0.5]), unit('C', 5, [0.5, 0.5, 0.5]), unit('D', 9, [0.2, 0.2, 0.2])], 5);
    expect(rows.map((r) => [r.unitCode, r.rank])).toEqual([
      ['B', 1],
      ['A', 2],
      ['C', 2],
      ['D', 4],
    ]);
  });

  it('when a rate has nothing due, then the composite is the mean of the others; with none, the unit ranks after those with one', () => {
    expect(composite({ responseRate: 1, resolutionRate: null, satisfactionRate: 0.5 })).toBe(0.75);
    const rows = rankSeries([unit('N', 7, [null, null, null]), unit('L', 5, [0, 0, 0])], 5);
    expect(rows.map((r) => [r.unitCode, r.rank])).toEqual([
      ['L', 1],
      ['N', 2],
    ]);
  });
});

describe('periods and buckets', () => {
  it('when today is Thursday 2026-03-12, then the periods start on Monday, the 1st, the quarter and the year', () => {
    expect(periodOf('week', '2026-03-12')).toEqual({ from: '2026-03-09', to: '2026-03-12' });
    expect(periodOf('month', '2026-03-12')).toEqual({ from: '2026-03-01', to: '2026-03-12' });
    expect(periodOf('quarter', '2026-05-12')).toEqual({ from: '2026-04-01', to: '2026-05-12' });
    expect(periodOf('year', '2026-03-12')).toEqual({ from: '2026-01-01', to: '2026-03-12' });
  });
  it('when a month is cut in weeks, then the weeks run Monday to Sunday, clipped to the period', () => {
    expect(bucketsOf({ from: '2026-03-01', to: '2026-03-12' }, 'week')).toEqual([
      { from: '2026-03-01', to: '2026-03-01' },
      { from: '2026-03-02', to: '2026-03-08' },
      { from: '2026-03-09', to: '2026-03-12' },
    ]);
    expect(bucketsOf({ from: '2026-01-01', to: '2026-03-12' }, 'month').map((b) => b.to)).toEqual(['2026-01-31', '2026-02-28', '2026-03-12']);
  });
});

describe('the counters of a case', () => {
  const filed: CaseMark = { day: '2026-03-02', channel: 'web', category: 'efficiency', unit: null, status: 'triaged', resolvedDay: null, campaign: null, hand: null };
  it('when a triaged case is assigned, then it moves from the triage state to the unit, and is counted once as filed', () => {
    const assigned: CaseMark = { ...filed, unit: 'u1', status: 'assigned', hand: { unit: 'u1', deadline: '2026-03-16', level: 0 } };
    const inc = difference(filed, assigned);
    expect(inc.get('now')).toEqual({ 'st.triaged': -1, 'st.assigned': 1, 'open.u1': 1, 'due.2026-03-16.u1': 1 });
    expect(inc.get('d:2026-03-02')).toEqual({ 'u.u1.n': 1 });
    expect(inc.get('ud:2026-03-02')).toEqual({ 'u1.ch.web': 1, 'u1.cat.efficiency': 1 });
    // Its week (from Monday 03-02) and month move alike.
    expect(inc.get('w:2026-03-02')).toEqual(inc.get('d:2026-03-02'));
    expect(inc.get('uw:2026-03-02')).toEqual(inc.get('ud:2026-03-02'));
    expect(inc.get('um:2026-03')).toEqual(inc.get('ud:2026-03-02'));
    expect(difference(assigned, assigned).size).toBe(0);
  });
  it('when a case is resolved, then its resolution day, week and month count it', () => {
    const resolved: CaseMark = { ...filed, unit: 'u1', status: 'resolved', resolvedDay: '2026-04-01' };
    expect(contributions(resolved).filter(([doc]) => doc.endsWith('04-01') || doc === 'w:2026-03-30' || doc === 'm:2026-04')).toEqual([
      ['d:2026-04-01', 'res.n'],
      ['d:2026-04-01', 'res.u.u1'],
      ['w:2026-03-30', 'res.n'],
      ['w:2026-03-30', 'res.u.u1'],
      ['m:2026-04', 'res.n'],
      ['m:2026-04', 'res.u.u1'],
    ]);
  });
});

describe('the counter documents a period reads', () => {
  it('when a bucket is this week or this month so far, then it is one document', () => {
    expect(coverOf({ from: '2026-03-09', to: '2026-03-12' }, '2026-03-12')).toEqual(['w:2026-03-09']);
    expect(coverOf({ from: '2026-03-01', to: '2026-03-12' }, '2026-03-12')).toEqual(['m:2026-03']);
  });
  it('when a past range starts and ends mid-week, then whole months, then whole weeks, then days add up to it', () => {
    // Sunday 03-01 alone, the weeks from 03-02 and 03-09, April whole, then 05-01 to 05-03 (a Friday to Sunday).
    expect(coverOf({ from: '2026-03-01', to: '2026-03-15' }, '2026-06-10')).toEqual(['d:2026-03-01', 'w:2026-03-02', 'w:2026-03-09']);
    expect(coverOf({ from: '2026-04-01', to: '2026-05-03' }, '2026-06-10')).toEqual(['m:2026-04', 'd:2026-05-01', 'd:2026-05-02', 'd:2026-05-03']);
    // A past range that stops mid-week reads that week's days, never the whole week.
    expect(coverOf({ from: '2026-03-09', to: '2026-03-11' }, '2026-03-12')).toEqual(['d:2026-03-09', 'd:2026-03-10', 'd:2026-03-11']);
  });
  it('when a year is cut in weeks, then each bucket is at most one week document or the days before the first Monday', () => {
    const docs = bucketsOf({ from: '2026-01-01', to: '2026-03-12' }, 'week').map((b) => coverOf(b, '2026-03-12'));
    expect(docs[0]).toEqual(['d:2026-01-01', 'd:2026-01-02', 'd:2026-01-03', 'd:2026-01-04']);
    expect(docs.slice(1).every((d) => d.length === 1 && d[0]!.startsWith('w:'))).toBe(true);
  });
});
