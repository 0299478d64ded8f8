import { buildCalendar } from '../../src/calendar/working-days';
import { SHIPPED_YEARS } from '../../src/calendar/holidays.data';
import { tabsOf, workingDaysLeft } from '../../src/rectification/inbox';
import { computeUnitMetrics } from '../../src/rectification/metrics';

const cal = buildCalendar(SHIPPED_YEARS);

describe('working days left', () => {
  it('when the deadline is ahead, then it counts the working days after today, skipping the Spring Festival', () => {
    expect(workingDaysLeft('2026-02-13', '2026-02-27', cal)).toBe(5);
    expect(workingDaysLeft('2026-03-16', '2026-03-16', cal)).toBe(0);
  });
  it('when the deadline has passed, then the count is negative', () => {
    expect(workingDaysLeft('2026-03-18', '2026-03-16', cal)).toBe(-2);
  });
});

describe('inbox tabs', () => {
  const base = { signedAt: null, redo: false };
  it('when a notice is not signed, then it is new; once signed, in hand; near the deadline, due soon too', () => {
    expect(tabsOf({ ...base, status: 'assigned' }, 5, 2)).toEqual(['new']);
    expect(tabsOf({ ...base, status: 'acknowledged', signedAt: new Date() }, 2, 2)).toEqual(['in_hand', 'due_soon']);
  });
  it('when a returned report waits past its deadline, then it is in hand, overdue and to redo', () => {
    expect(tabsOf({ status: 'assigned', signedAt: new Date(), redo: true }, -1, 2)).toEqual(['in_hand', 'overdue', 'redo']);
  });
  it('when the commission has it (report or send-back), then it waits; resolved or closed, it is closed', () => {
    expect(tabsOf({ ...base, status: 'responded' }, null, 2)).toEqual(['waiting']);
    expect(tabsOf({ ...base, status: 'sent_back' }, null, 2)).toEqual(['waiting']);
    expect(tabsOf({ ...base, status: 'closed' }, null, 2)).toEqual(['closed']);
  });
});

describe('unit metrics', () => {
  const from = new Date('2026-03-01T00:00:00+08:00');
  const to = new Date('2026-03-31T23:59:59.999+08:00');
  const now = new Date('2026-04-10T10:00:00+08:00');
  it('when a unit had no case, then every rate is null (never 0 % or 100 % of nothing)', () => {
    const m = computeUnitMetrics('u1', [], from, to, now);
    expect(Object.values(m.rates).map((r) => r.value)).toEqual([null, null, null, null, null, null, null]);
  });
  it('when an event falls outside the period, then it does not count', () => {
    const c = {
      status: 'resolved',
      assignedUnitId: 'u1',
      timeline: [
        { at: new Date('2026-02-27T10:00:00+08:00'), action: 'assigned', unitId: 'u1' },
        { at: new Date('2026-02-27T11:00:00+08:00'), action: 'signed', unitId: 'u1', data: { late: false } },
        { at: new Date('2026-03-02T10:00:00+08:00'), action: 'reported', unitId: 'u1' },
        { at: new Date('2026-04-01T10:00:00+08:00'), action: 'accepted', unitId: 'u1', data: { onTime: true, outcome: 'resolved' } },
      ],
    };
    const m = computeUnitMetrics('u1', [c], from, to, now);
    expect(m).toMatchObject({ received: 0, signed: 0, reported: 1, resolved: 0 });
  });
});

describe('npm run sweep clock', () => {
  it('when CLOCK_NOW is given outside production, then the sweep runs at that instant; in production it is refused', async () => {
    const { demoClock } = await import('../../src/escalation/sweep.job');
    expect(demoClock({ CLOCK_NOW: '2027-01-15T10:00:00+08:00', NODE_ENV: 'development' })!.now().toISOString()).toBe('2027-01-15T02:00:00.000Z');
    expect(demoClock({ CLOCK_NOW: undefined, NODE_ENV: 'production' })).toBeNull();
    expect(() => demoClock({ CLOCK_NOW: '2027-01-15T10:00:00+08:00', NODE_ENV: 'production' })).toThrow('refused in production');
    expect(() => demoClock({ CLOCK_NOW: 'tomorrow', NODE_ENV: 'development' })).toThrow('not a date');
  });
});
