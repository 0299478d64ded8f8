import { PRIORITIES, type Priority } from '../routing/deadline-policy.model';
import { isDuplicateKey } from '../platform/mongo';
import { EscalationPolicy } from './escalation.models';
import { DEFAULT_POLICY, type LadderPolicy } from './ladder';
import { referenceData } from '../platform/reference-cache';

/** One row per priority; held in memory (reference-cache). */
export const allPolicies = referenceData('escalation_policies', () => EscalationPolicy.find().lean());

/** The ladder for every priority, as the administrator sees and edits it. */
export async function listPolicies(): Promise<(LadderPolicy & { priority: Priority })[]> {
  const rows = await allPolicies();
  return PRIORITIES.map((priority) => {
    const row = rows.find((r) => r.priority === priority);
    return { priority, ...(row ? { level2AfterDays: row.level2AfterDays, level3AfterDays: row.level3AfterDays, reminderDays: row.reminderDays } : DEFAULT_POLICY) };
  });
}

export async function setPolicy(priority: Priority, policy: LadderPolicy): Promise<void> {
  await EscalationPolicy.updateOne({ priority }, { $set: policy }, { upsert: true });
}

/** Ships the county defaults once per priority (never overwriting an administrator's values). */
export async function seedEscalationPolicies(): Promise<void> {
  for (const priority of PRIORITIES) {
    try {
      await EscalationPolicy.updateOne({ priority }, { $setOnInsert: { ...DEFAULT_POLICY } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}
