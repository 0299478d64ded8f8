import type { Context } from '../context';
import { transition } from '../cases/case.lifecycle';
import { findCase } from '../cases/case.service';
import { SYSTEM } from '../cases/case.timeline';
import { ConflictError, ValidationError } from '../platform/http/errors';
import { activeUnitIds } from '../units/unit.service';
import { assignCase } from './assignment.service';
import { issueNotice } from './notice.service';
import { RoutingRule } from './routing-rule.model';
import { decide, type RuleView } from './rules';
import { referenceData } from '../platform/reference-cache';

/** The active rules in the order they are tried; held in memory (reference-cache). */
const activeRuleRows = referenceData('routing_rules', () => RoutingRule.find({ active: true }).sort({ order: 1, _id: 1 }).lean());

export type RoutingOutcome = 'assigned' | 'triage' | 'skipped' | 'missing';

export async function activeRules(): Promise<RuleView[]> {
  const rules = await activeRuleRows();
  const activeUnits = await activeUnitIds();
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
 * triage. Safe to run any number of times: the decision is a transition claimed on `submitted`,
 * and the notice is unique per assignment.
 */
export async function routeCase(ctx: Context, caseId: string): Promise<RoutingOutcome> {
  const c = await findCase(caseId);
  if (!c) return 'missing';
  if (c.status !== 'submitted') {
    // Already decided: finish the notice in case the previous run died after assigning.
    if (c.status === 'assigned' && c.noticePending) await issueNotice(ctx, c);
    return 'skipped';
  }
  const decision = decide(await activeRules(), {
    categoryCode: c.categoryCode,
    description: c.description,
    place: c.place ?? null,
    targetUnitId: c.targetUnitId ? String(c.targetUnitId) : null,
  });

  try {
    if (decision) {
      try {
        // The case read above and the assigned case are passed on, not read again.
        const assigned = await assignCase(ctx, caseId, { unitId: decision.unitId, priority: decision.priority, by: SYSTEM, rule: decision.rule, firstOnly: true, current: c, noticeByCaller: true });
        await issueNotice(ctx, assigned);
        return 'assigned';
      } catch (err) {
        // The rule's unit or the case's category was switched off since: no retry would help, so
        // the commission decides (triage) instead of the job failing forever.
        if (!(err instanceof ValidationError)) throw err;
        ctx.logger.warn({ caseId, fields: err.fields }, 'routing.rule_not_applicable');
      }
    }
    await transition(ctx, caseId, 'await_triage', SYSTEM, { action: 'awaiting_triage', knownStatus: c.status, set: { routedAt: ctx.clock.now() } });
    return 'triage';
  } catch (err) {
    // The commission acted first (assigned, rejected or split it): nothing left to do here.
    if (err instanceof ConflictError) return 'skipped';
    throw err;
  }
}
