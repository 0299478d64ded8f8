import type { Priority } from './deadline-policy.model';

/** What a rule looks at (pure data, so matching is unit-tested without a database). */
export interface RuleView {
  name: string;
  categoryCodes: string[];
  keywords: string[];
  places: string[];
  useNamedUnit: boolean;
  unitId: string | null;
  priority: Priority;
}

export interface CaseView {
  categoryCode: string;
  description: string;
  place: string | null;
  targetUnitId: string | null;
}

export interface RuleDecision {
  rule: string;
  unitId: string;
  priority: Priority;
}

const contains = (text: string | null, words: string[]) => !!text && words.some((w) => w && text.toLowerCase().includes(w.toLowerCase()));

/** Does this rule hold for the case, and to which unit does it send it? */
export function matchRule(rule: RuleView, c: CaseView): RuleDecision | null {
  if (rule.categoryCodes.length && !rule.categoryCodes.includes(c.categoryCode)) return null;
  if (rule.keywords.length && !contains(c.description, rule.keywords)) return null;
  if (rule.places.length && !contains(c.place, rule.places)) return null;
  const unitId = rule.useNamedUnit ? c.targetUnitId : rule.unitId;
  if (!unitId) return null;
  return { rule: rule.name, unitId, priority: rule.priority };
}

/** The first rule (in the given order) that holds, or null: the case goes to triage. */
export function decide(rules: RuleView[], c: CaseView): RuleDecision | null {
  for (const rule of rules) {
    const d = matchRule(rule, c);
    if (d) return d;
  }
  return null;
}
