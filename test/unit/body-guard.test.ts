import { reservedFieldPath } from '../../src/platform/http/body-guard';

describe('reservedFieldPath', () => {
  it('when a body has only ordinary fields, then nothing is reported', () => {
    expect(reservedFieldPath({ username: 'wang', list: [{ a: 1 }, 'x'], nested: { to: 'String' } })).toBeUndefined();
    expect(reservedFieldPath(undefined)).toBeUndefined();
    expect(reservedFieldPath('text')).toBeUndefined();
  });

  it('when a field anywhere is named like a member of every object, then its path is reported', () => {
    expect(reservedFieldPath({ username: { toString: 1 } })).toBe('username.toString');
    expect(reservedFieldPath(JSON.parse('{"a":[{"b":{"__proto__":{"x":1}}}]}'))).toBe('a.0.b.__proto__');
    expect(reservedFieldPath({ constructor: 'x' })).toBe('constructor');
    expect(reservedFieldPath({ valueOf: 1 })).toBe('valueOf');
  });

  it('when a body nests 100,000 levels deep, then it is walked without running out of stack', () => {
    let deep: unknown = { hasOwnProperty: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(reservedFieldPath(deep)).toMatch(/^(0\.){100000}hasOwnProperty$/);
  });
});
