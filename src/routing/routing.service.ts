import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { AppError } from '../http/errors';
import { Unit } from '../units/unit.model';
import { assignCase } from './assignment.service';
import { issueNotice } from './notice.service';
import { RoutingRule } from './routing-rule.model';
import { decide, type RuleView } from './rules';

export type RoutingOutcome = 'assigned' | 'triage' | 'skipped' | 'missing';

export async function activeRules(): Promise<RuleView[]> {
  const rules = await RoutingRule.find({ active: true }).sort({ order: 1, _id: 1 }).lean();
  const activeUnits = new Set((await Unit.find({ active: true }, { _id: 1 }).lean()).map((u) => String(u._id)));
  return rules
    .filter((r) => r.useNamedUnit || (r.unitId && activeUnits.has(String(r.unitId))))
    .map((r) => ({
      name: r.name,
      categoryCodes: r.categoryCodes,
      keywords: r.keywords,
      places: r.places,
      useNamedUnit: r.useNamedUnit,
      unitId: r.unitId ? String(r.unitId) : null,
      priority: r.priority ?? 'normal',
    }));
}

/**
 * Routes one case after intake by the administrator's rules, or leaves it for the commission's
 * triage. Safe to run any number of times: the decision is claimed atomically on `submitted`
 * with `routedAt: null`, and the notice is unique per assignment.
 */
export async function routeCase(ctx: Context, caseId: string): Promise<RoutingOutcome> {
  const c = await Case.findById(caseId).lean();
  if (!c) return 'missing';
  if (c.status !== 'submitted' || c.routedAt) {
    // Already decided: finish the notice in case the previous run died after assigning.
    if (c.status === 'assigned' && c.noticePending) await issueNotice(ctx, c._id);
    return 'skipped';
  }
  const decision = decide(await activeRules(), {
    categoryCode: c.categoryCode,
    description: c.description,
    place: c.place ?? null,
    targetUnitId: c.targetUnitId ? String(c.targetUnitId) : null,
  });

  if (decision) {
    try {
      await assignCase(ctx, caseId, { unitId: decision.unitId, priority: decision.priority, by: { kind: 'system', rule: decision.rule } }, ['submitted']);
    } catch (err) {
      // The commission acted first (state changed): nothing left to do here.
      if (err instanceof AppError && err.code === 'state_changed') return 'skipped';
      throw err;
    }
    await issueNotice(ctx, caseId);
    return 'assigned';
  }

  const now = ctx.clock.now();
  const claimed = await Case.findOneAndUpdate(
    { _id: c._id, status: 'submitted', routedAt: null },
    { $set: { routedAt: now }, $push: { timeline: { at: now, actor: { kind: 'system' }, action: 'awaiting_triage' } } },
    { returnDocument: 'after' },
  ).lean();
  if (claimed) ctx.logger.info({ caseId }, 'case.awaiting_triage');
  return claimed ? 'triage' : 'skipped';
}
