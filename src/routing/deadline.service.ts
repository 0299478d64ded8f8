import { dueDateInfo } from '../calendar/calendar.service';
import { dueInstant } from '../calendar/working-days';
import { countyDate } from '../clock';
import { referenceData } from '../platform/reference-cache';
import { DEFAULT_DAYS, DeadlinePolicy, PRIORITIES, type Priority } from './deadline-policy.model';

/** Every policy row (a few dozen at most); held in memory (reference-cache). */
const allPolicies = referenceData('deadline_policies', () => DeadlinePolicy.find().lean());

/** Working days for a category and priority: the category's own policy, else the default row, else the shipped default. */
export async function workingDaysFor(categoryCode: string, priority: Priority): Promise<number> {
  const rows = (await allPolicies()).filter((r) => r.priority === priority && (r.categoryCode === categoryCode || r.categoryCode === '*'));
  const own = rows.find((r) => r.categoryCode === categoryCode);
  const fallback = rows.find((r) => r.categoryCode === '*');
  return (own ?? fallback)?.workingDays ?? DEFAULT_DAYS[priority];
}

export interface Deadline {
  /** Last day of the period, county calendar. */
  date: string;
  /** The end of that day, county time: what "overdue" is measured against. */
  at: Date;
  workingDays: number;
  /** Counted Monday to Friday in a year whose arrangement is not entered yet. */
  provisional: boolean;
}

/** The deadline of a period of n working days starting on the county date of `from`. */
export async function deadlineFrom(from: Date, workingDays: number, timeZone: string): Promise<Deadline> {
  const { date, provisional } = await dueDateInfo(countyDate(from, timeZone), workingDays);
  return { date, at: dueInstant(date, timeZone), workingDays, provisional };
}

/** The table the administrator edits: every category × priority with its effective days. */
export async function policyTable(categoryCodes: string[]) {
  const rows = await DeadlinePolicy.find().lean();
  const get = (code: string, p: Priority) => rows.find((r) => r.categoryCode === code && r.priority === p)?.workingDays ?? null;
  return ['*', ...categoryCodes].map((code) => ({
    categoryCode: code,
    days: Object.fromEntries(PRIORITIES.map((p) => [p, get(code, p)])) as Record<Priority, number | null>,
  }));
}

/** Sets (or, with null, removes) one policy cell. */
export async function setPolicy(categoryCode: string, priority: Priority, workingDays: number | null): Promise<void> {
  if (workingDays === null) {
    if (categoryCode === '*') await DeadlinePolicy.updateOne({ categoryCode, priority }, { $set: { workingDays: DEFAULT_DAYS[priority] } }, { upsert: true });
    else await DeadlinePolicy.deleteOne({ categoryCode, priority });
    return;
  }
  await DeadlinePolicy.updateOne({ categoryCode, priority }, { $set: { workingDays } }, { upsert: true });
}

/** Ships the county-wide defaults once (never overwriting an administrator's values). */
export async function seedDeadlinePolicies(): Promise<void> {
  for (const priority of PRIORITIES) {
    try {
      await DeadlinePolicy.updateOne({ categoryCode: '*', priority }, { $setOnInsert: { workingDays: DEFAULT_DAYS[priority] } }, { upsert: true });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}
