import { decide, matchRule, type CaseView, type RuleView } from '../../src/routing/rules';

const UNIT_A = 'a'.repeat(24);
const UNIT_B = 'b'.repeat(24);
const NAMED = 'c'.repeat(24);

function rule(overrides: Partial<RuleView> = {}): RuleView {
  return { name: 'r', categoryCodes: [], keywords: [], places: [], useNamedUnit: false, unitId: UNIT_A, priority: 'normal', ...overrides };
}

function aCase(overrides: Partial<CaseView> = {}): CaseView {
  return { categoryCode: 'attitude', description: '窗口工作人员态度恶劣，推诿扯皮。', place: '城关镇政务服务中心', targetUnitId: null, ...overrides };
}

describe('matchRule', () => {
  it('when the case is in one of the rule\'s categories, then the rule sends it to the rule\'s unit with its priority', () => {
    expect(matchRule(rule({ categoryCodes: ['favours', 'attitude'], priority: 'urgent' }), aCase())).toEqual({ rule: 'r', unitId: UNIT_A, priority: 'urgent' });
  });

  it('when the case is in another category, then the rule does not hold', () => {
    expect(matchRule(rule({ categoryCodes: ['favours'] }), aCase())).toBeNull();
  });

  it('when the description contains a Chinese keyword, then the rule holds', () => {
    expect(matchRule(rule({ keywords: ['招商', '推诿'] }), aCase())).not.toBeNull();
    expect(matchRule(rule({ keywords: ['招商'] }), aCase())).toBeNull();
  });

  it('when a Latin keyword differs only in case, then it still matches', () => {
    expect(matchRule(rule({ keywords: ['WiFi'] }), aCase({ description: '政务大厅的wifi长期无法使用，群众办事不便。' }))).not.toBeNull();
    expect(matchRule(rule({ keywords: ['app'] }), aCase({ description: '医保APP无法登录，窗口让回家自己办。' }))).not.toBeNull();
  });

  it('when the place contains one of the rule\'s places, then the rule holds; with no place given, it does not', () => {
    expect(matchRule(rule({ places: ['城关镇'] }), aCase())).not.toBeNull();
    expect(matchRule(rule({ places: ['开发区'] }), aCase())).toBeNull();
    expect(matchRule(rule({ places: ['城关镇'] }), aCase({ place: null }))).toBeNull();
  });

  it('when only some of the conditions hold, then the rule does not hold', () => {
    const r = rule({ categoryCodes: ['attitude'], keywords: ['推诿'], places: ['城关镇'] });
    expect(matchRule(r, aCase())).not.toBeNull();
    expect(matchRule(r, aCase({ categoryCode: 'favours' }))).toBeNull();
    expect(matchRule(r, aCase({ description: '窗口工作人员态度恶劣。' }))).toBeNull();
    expect(matchRule(r, aCase({ place: '开发区' }))).toBeNull();
  });

  it('when a rule follows the named unit and the filer named none, then it does not hold', () => {
    expect(matchRule(rule({ useNamedUnit: true, unitId: null }), aCase())).toBeNull();
  });

  it('when a rule follows the named unit and the filer named one, then the case goes to that unit', () => {
    expect(matchRule(rule({ useNamedUnit: true, unitId: null }), aCase({ targetUnitId: NAMED }))).toEqual({ rule: 'r', unitId: NAMED, priority: 'normal' });
  });

  it('when a rule names its own unit, then the filer\'s choice does not change where the case goes', () => {
    expect(matchRule(rule({ unitId: UNIT_B }), aCase({ targetUnitId: NAMED }))?.unitId).toBe(UNIT_B);
  });
});

describe('decide', () => {
  it('when several rules hold, then the first one in the given order wins', () => {
    const rules = [rule({ name: 'first', keywords: ['态度'], unitId: UNIT_A, priority: 'urgent' }), rule({ name: 'second', categoryCodes: ['attitude'], unitId: UNIT_B })];
    expect(decide(rules, aCase())).toEqual({ rule: 'first', unitId: UNIT_A, priority: 'urgent' });
    expect(decide([...rules].reverse(), aCase())).toEqual({ rule: 'second', unitId: UNIT_B, priority: 'normal' });
  });

  it('when an earlier rule does not hold, then a later one that holds decides', () => {
    const rules = [rule({ name: 'keyword', keywords: ['招商'] }), rule({ name: 'named', useNamedUnit: true, unitId: null })];
    expect(decide(rules, aCase({ targetUnitId: NAMED }))).toEqual({ rule: 'named', unitId: NAMED, priority: 'normal' });
  });

  it('when no rule holds, then the decision is null (the case waits for triage)', () => {
    const rules = [rule({ keywords: ['招商'] }), rule({ useNamedUnit: true, unitId: null })];
    expect(decide(rules, aCase())).toBeNull();
    expect(decide([], aCase())).toBeNull();
  });
});
