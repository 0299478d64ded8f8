import { addWorkingDays, dueInstant, workingDaysBefore, type WorkingCalendar } from '../calendar/working-days';

// The deadline discipline as plain functions: from a case's deadline in force and the policy,
// every reminder and overdue level with the instant it falls due. No database, no clock.

export const LEVELS = [1, 2, 3] as const;
export type Level = (typeof LEVELS)[number];

export interface LadderPolicy {
  /** Working days after the deadline for level 2 (督办), and after level 2 for level 3 (通报). */
  level2AfterDays: number;
  level3AfterDays: number;
  /** Reminders to the unit, this many working days before the deadline (e.g. [2, 1]). */
  reminderDays: number[];
}

export const DEFAULT_POLICY: LadderPolicy = { level2AfterDays: 3, level3AfterDays: 5, reminderDays: [2, 1] };

export type Step =
  | { kind: 'sign_reminder'; key: string; dueAt: Date }
  | { kind: 'reminder'; key: string; daysBefore: number; dueAt: Date }
  | { kind: 'level'; key: string; level: Level; dueAt: Date; dueDate: string };

export interface LadderCase {
  /** Identifies the deadline round: a new assignment, a returned report or a reopening starts a new ladder. */
  round: string;
  deadlineDate: string;
  /** Still to sign: a reminder when signing falls due. */
  unsignedDueAt?: Date | null;
  signRound?: string;
  /** Returned or reopened three times, or sent back by three units: level 2 at once. */
  problem: boolean;
  /** Since when the case is a problem case (level 2 falls due then, if not earlier). */
  problemSince?: Date | null;
}

/** The reminder hour: 09:00 county time on the reminder's day (a working day). */
function reminderInstant(date: string, tz: string): Date {
  return new Date(dueInstant(date, tz).getTime() + 1 - 15 * 3600 * 1000);
}

/**
 * Every step of the case's current round, in the order they fall due: the signing reminder, the
 * reminders before the deadline, then levels 1 (at the deadline), 2 and 3 (working days later).
 * An extension moves the deadline, so the whole ladder moves with it.
 */
export function ladder(c: LadderCase, policy: LadderPolicy, cal: WorkingCalendar, tz: string): Step[] {
  const steps: Step[] = [];
  if (c.unsignedDueAt) steps.push({ kind: 'sign_reminder', key: `sign:${c.signRound ?? c.round}`, dueAt: c.unsignedDueAt });
  for (const n of [...new Set(policy.reminderDays)].filter((d) => d >= 1).sort((a, b) => b - a)) {
    const day = workingDaysBefore(c.deadlineDate, n, cal);
    steps.push({ kind: 'reminder', key: `${c.round}:remind:${n}`, daysBefore: n, dueAt: reminderInstant(day, tz) });
  }
  const level2Date = addWorkingDays(c.deadlineDate, policy.level2AfterDays, cal);
  const level3Date = addWorkingDays(level2Date, policy.level3AfterDays, cal);
  const dates: Record<Level, string> = { 1: c.deadlineDate, 2: level2Date, 3: level3Date };
  for (const level of LEVELS) {
    let dueAt = dueInstant(dates[level], tz);
    // A problem case reaches level 2 at once (when it became one), whatever the deadline says.
    if (level === 2 && c.problem && c.problemSince && c.problemSince < dueAt) dueAt = c.problemSince;
    steps.push({ kind: 'level', key: `${c.round}:level:${level}`, level, dueAt, dueDate: dates[level] });
  }
  return steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** The steps due by `now` and not done yet, in order (catch-up applies each once, in order). */
export function dueSteps(steps: readonly Step[], done: ReadonlySet<string>, now: Date): Step[] {
  return steps.filter((s) => s.dueAt <= now && !done.has(s.key));
}

/** When the next step falls due (the sweep's wake-up time), or null when nothing is left. */
export function nextDue(steps: readonly Step[], done: ReadonlySet<string>): Date | null {
  return steps.find((s) => !done.has(s.key))?.dueAt ?? null;
}

/** Reminders that fall due after the level they precede are pointless: once overdue, the ladder speaks. */
export function isStale(step: Step, levelReached: number): boolean {
  return (step.kind === 'reminder' || step.kind === 'sign_reminder') && levelReached >= 1;
}
