import { isObjectId } from '../platform/http/validate';
import { ValidationError } from '../platform/http/errors';
import { Category } from '../cases/category.model';
import { findActiveUnit } from '../units/unit.service';
import { RoutingRule } from './routing-rule.model';
import type { Priority } from './deadline-policy.model';

/** The rule every county starts with: a complaint that names a unit goes to that unit. */
export const NAMED_UNIT_RULE = { name: '投诉人指明单位的，直接交该单位', order: 1000, useNamedUnit: true, priority: 'normal' as const };

/** On first start only (an empty rule list); rules are switched off, never deleted, so it does not come back. */
export async function seedRoutingRules(): Promise<void> {
  if ((await RoutingRule.estimatedDocumentCount()) > 0) return;
  await RoutingRule.create(NAMED_UNIT_RULE);
}

export interface RuleInput {
  name: string;
  order: number;
  categoryCodes: string[];
  keywords: string[];
  places: string[];
  useNamedUnit: boolean;
  unitId?: string;
  priority: Priority;
}

export async function listRules() {
  return RoutingRule.find().sort({ order: 1, _id: 1 }).lean();
}

async function checkRule(input: RuleInput): Promise<void> {
  const fields: Record<string, string> = {};
  if (!input.useNamedUnit && !input.unitId) fields.unitId = 'required';
  if (input.unitId && !(await findActiveUnit(input.unitId))) fields.unitId = 'unknown_unit';
  if (input.categoryCodes.length) {
    const known = await Category.countDocuments({ code: { $in: input.categoryCodes } });
    if (known !== new Set(input.categoryCodes).size) fields.categoryCodes = 'unknown_category';
  }
  if (!input.useNamedUnit && !input.categoryCodes.length && !input.keywords.length && !input.places.length) fields.categoryCodes = 'rule_matches_all';
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

export async function createRule(input: RuleInput): Promise<string> {
  await checkRule(input);
  const rule = await RoutingRule.create({ ...input, unitId: input.useNamedUnit ? null : input.unitId });
  return String(rule._id);
}

export async function updateRule(id: string, input: RuleInput): Promise<boolean> {
  if (!isObjectId(id)) return false;
  await checkRule(input);
  const res = await RoutingRule.updateOne({ _id: id }, { $set: { ...input, unitId: input.useNamedUnit ? null : input.unitId } });
  return res.matchedCount === 1;
}

export async function setRuleActive(id: string, active: boolean): Promise<boolean> {
  if (!isObjectId(id)) return false;
  return (await RoutingRule.updateOne({ _id: id }, { $set: { active } })).matchedCount === 1;
}
