import type { CaseFields } from '../cases/case.model';
import { TRIAGE_STATES, fromStates } from '../cases/case.states';
import { PRIORITIES, type Priority } from './deadline-policy.model';
import { ASSIGNABLE_FROM } from './assignment.service';
import { workingDaysFor } from './deadline.service';

/** What the commission may do with a case now (from the transition table), and the policy's working days per priority. */
export async function triageOptions(c: Pick<CaseFields, 'status' | 'categoryCode'>) {
  const days = Object.fromEntries(await Promise.all(PRIORITIES.map(async (p) => [p, await workingDaysFor(c.categoryCode, p)] as const))) as Record<Priority, number>;
  return {
    canAssign: ASSIGNABLE_FROM.includes(c.status),
    canReject: fromStates('reject').includes(c.status),
    canSplit: fromStates('split').includes(c.status),
    rerouting: !TRIAGE_STATES.includes(c.status),
    days,
  };
}
