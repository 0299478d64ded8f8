import { formatter } from '../../src/platform/format';

describe('local formats', () => {
  const zh = formatter('zh-CN', 'Asia/Shanghai');
  const en = formatter('en', 'Asia/Shanghai');

  it('when a stored calendar day is shown, then it is that day in the reader\'s format, whatever the zone', () => {
    expect(zh.date('2026-03-16')).toBe('2026年3月16日');
    expect(en.date('2026-03-16')).toBe('Mar 16, 2026');
    expect(formatter('en', 'America/Los_Angeles').date('2026-03-16')).toBe('Mar 16, 2026');
    expect(en.longDate('2026-03-16')).toBe('March 16, 2026');
  });

  it('when an instant is shown, then it is the county\'s wall clock (UTC+8): 20:30 UTC is the next day there', () => {
    const at = new Date('2026-03-15T20:30:00Z');
    expect(zh.dateTime(at)).toBe('2026年3月16日 04:30');
    expect(en.dateTime(at)).toBe('Mar 16, 2026, 04:30');
    expect(zh.date(at)).toBe('2026年3月16日');
  });

  it('when numbers and ratios are shown, then they are grouped and rounded for the reader; nothing shows for no value', () => {
    expect(en.number(12345)).toBe('12,345');
    expect(zh.number(2.5, 1)).toBe('2.5');
    expect(en.percent(0.875)).toBe('87.5%');
    expect(zh.percent(1)).toBe('100%');
    expect([en.number(null), en.percent(undefined), en.date(null), en.date('not a date')]).toEqual(['', '', '', '']);
  });
});
