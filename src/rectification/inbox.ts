import type { Types } from 'mongoose';
import { loadCalendar } from '../calendar/calendar.service';
import { CalendarGapError, workingDaysBetween, type WorkingCalendar } from '../calendar/working-days';
import { countyDate } from '../clock';
import type { Context } from '../context';
import type { CaseLean } from '../cases/case.model';
import { HANDLING_STATES, type CaseState, type Channel, type ShownChannel } from '../cases/case.states';
import { shownChannel } from '../cases/case.visibility';
import { unitRows } from '../cases/worklist';
import type { WorklistRow } from '../cases/worklist.model';
import { levelOf } from '../escalation/escalation.service';

export const INBOX_TABS = ['new', 'in_hand', 'due_soon', 'overdue', 'redo', 'waiting', 'closed'] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

export interface InboxRow {
  id: string;
  number: string;
  status: string;
  categoryCode: string;
  channel: ShownChannel;
  submittedAt: Date;
  deadlineDate: string | null;
  /** Working days from today to the deadline; negative once overdue. Null without a deadline in force. */
  daysLeft: number | null;
  signed: boolean;
  redo: boolean;
  waitingForFiler: boolean;
  pendingExtension: boolean;
  /** The overdue level reached in the current deadline round (0: not overdue yet). */
  level: number;
  tabs: InboxTab[];
}

/** Working days from `today` to `deadline`, negative when it has passed (county calendar). */
export function workingDaysLeft(today: string, deadline: string, cal: WorkingCalendar): number {
  return today <= deadline ? workingDaysBetween(today, deadline, cal) : -workingDaysBetween(deadline, today, cal);
}

/** Which tabs of the unit's inbox a case belongs to (a case may be in several: in hand and due soon). */
export function tabsOf(c: Pick<CaseLean, 'status' | 'signedAt' | 'redo'>, daysLeft: number | null, dueSoonDays: number): InboxTab[] {
  const tabs: InboxTab[] = [];
  const handling = HANDLING_STATES.includes(c.status);
  if (c.status === 'assigned' && !c.signedAt) tabs.push('new');
  if (handling && c.signedAt) tabs.push('in_hand');
  if (handling && daysLeft !== null && daysLeft >= 0 && daysLeft <= dueSoonDays) tabs.push('due_soon');
  if (handling && daysLeft !== null && daysLeft < 0) tabs.push('overdue');
  if (c.status === 'assigned' && c.redo) tabs.push('redo');
  if (c.status === 'responded' || c.status === 'sent_back') tabs.push('waiting');
  if (c.status === 'resolved' || c.status === 'closed') tabs.push('closed');
  return tabs;
}

/**
 * The unit's inbox: every case it has, with its tabs and the working days left; counts per tab.
 * Read from the worklist (its cost follows the open work): the "closed" tab shows the cases that
 * ended in the last WORKLIST_KEEP_DAYS; older ones are found through the case list and search.
 */
export async function unitInbox(ctx: Pick<Context, 'clock' | 'config'>, unitId: Types.ObjectId): Promise<{ rows: InboxRow[]; counts: Record<InboxTab, number> }> {
  const [cases, cal] = await Promise.all([unitRows(unitId), loadCalendar()]);
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  const rows = cases.map((row: WorklistRow) => {
    const c = { ...row, status: row.status as CaseState };
    const inForce = HANDLING_STATES.includes(c.status) && c.deadlineDate;
    let daysLeft: number | null = null;
    if (inForce) {
      try {
        daysLeft = workingDaysLeft(today, c.deadlineDate!, cal);
      } catch (err) {
        // A date past the calendar's years: no count rather than a wrong one.
        if (!(err instanceof CalendarGapError)) throw err;
      }
    }
    return {
      id: String(c._id),
      number: c.number,
      status: c.status,
      categoryCode: c.categoryCode,
      channel: shownChannel(c.channel as Channel, { role: 'unit' }),
      submittedAt: c.submittedAt,
      deadlineDate: c.deadlineDate ?? null,
      daysLeft,
      signed: !!c.signedAt,
      redo: !!c.redo,
      waitingForFiler: c.waitingForFiler,
      pendingExtension: c.pendingExtension,
      level: HANDLING_STATES.includes(c.status) ? levelOf(c as Pick<CaseLean, 'assignmentNo' | 'returnsCount' | 'reopenCount' | 'escalationEvents'>) : 0,
      tabs: tabsOf(c, daysLeft, ctx.config.DUE_SOON_WORKING_DAYS),
    };
  });
  const counts = Object.fromEntries(INBOX_TABS.map((t) => [t, rows.filter((r) => r.tabs.includes(t)).length])) as Record<InboxTab, number>;
  return { rows, counts };
}
