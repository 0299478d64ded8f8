// The case lifecycle (DESIGN section 3). Every state list that queries and views share lives
// here, and every change of state is one of the named transitions below, applied by the one gate
// in case.lifecycle.ts.
export const CASE_STATES = [
  'submitted', // filed; the routing job has not decided yet
  'triaged', // the routing rules found no unit: waiting in the commission's triage queue
  'assigned', // sent in writing to a unit with a deadline (re-routing assigns again)
  'sent_back', // the unit says it is not its responsibility; the commission rules (终审)
  'acknowledged', // the unit signed for the notice
  'responded', // the unit reported; waiting for the commission's review
  'resolved', // the commission accepted the report; the reply is published to the filer
  'closed', // done
  'rejected', // not handled (out of scope, duplicate, no grounds), with a reason the filer sees
  'split', // divided into one case per unit; the parts are handled, this one is not
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/**
 * Named transitions: the only ways a case changes state. `from` is every state the transition may
 * start from; the gate claims the change atomically on exactly these.
 */
export const TRANSITIONS = {
  /** The routing rules found no unit; the case waits for the commission. */
  await_triage: { from: ['submitted'], to: 'triaged' },
  /** The rules or the commission send it to a unit (first time). */
  assign: { from: ['submitted', 'triaged'], to: 'assigned' },
  /** The commission sends it to another unit before the unit has reported (also as its ruling on a send-back). */
  reroute: { from: ['assigned', 'acknowledged', 'sent_back'], to: 'assigned' },
  reject: { from: ['submitted', 'triaged'], to: 'rejected' },
  split: { from: ['submitted', 'triaged'], to: 'split' },
  /** The unit signs for the notice (签收); only once, and not after sending it back. */
  sign: { from: ['assigned'], to: 'acknowledged' },
  /** Within the signing window the unit sends it back as not its responsibility (退单). */
  send_back: { from: ['assigned'], to: 'sent_back' },
  /** The commission's final ruling: it is the unit's (the deadline stands). */
  insist: { from: ['sent_back'], to: 'assigned' },
  /** The unit reports what it corrected (整改报告); it must have signed first. */
  report: { from: ['assigned', 'acknowledged'], to: 'responded' },
  /** The commission accepts the report: the reply is published to the filer. */
  accept: { from: ['responded'], to: 'resolved' },
  /** The commission returns the report (退回重办) with a new deadline. */
  return: { from: ['responded'], to: 'assigned' },
  /** A dissatisfied filer's case goes back to the same unit with a new deadline. */
  reopen: { from: ['resolved'], to: 'assigned' },
  /** After the rating window, or by the commission with a note for a dissatisfied filer. */
  close: { from: ['resolved'], to: 'closed' },
} as const satisfies Record<string, { from: readonly CaseState[]; to: CaseState }>;
export type TransitionName = keyof typeof TRANSITIONS;

export function canTransition(from: CaseState, to: CaseState): boolean {
  return Object.values(TRANSITIONS).some((t) => t.to === to && (t.from as readonly CaseState[]).includes(from));
}

/** The states a named transition starts from. */
export function fromStates(name: TransitionName): readonly CaseState[] {
  return TRANSITIONS[name].from;
}

/** Cases nobody has finished with: the commission's and the units' working set. */
export const OPEN_STATES: readonly CaseState[] = ['submitted', 'triaged', 'assigned', 'sent_back', 'acknowledged', 'responded'];
/** A unit has the case in hand and the correction deadline runs. */
export const HANDLING_STATES: readonly CaseState[] = ['assigned', 'acknowledged'];
/** No transition leaves these. */
export const FINAL_STATES: readonly CaseState[] = ['closed', 'rejected', 'split'];
/** Cases the commission has not yet routed (its triage queue). */
export const TRIAGE_STATES: readonly CaseState[] = ['submitted', 'triaged'];
/** States in which a unit has the case in hand and may see it. */
export const UNIT_VISIBLE_STATES: readonly CaseState[] = ['assigned', 'sent_back', 'acknowledged', 'responded', 'resolved', 'closed'];
/** The outcome is settled (counts as resolved in campaign figures and rates). */
export const RESOLVED_STATES: readonly CaseState[] = ['resolved', 'closed'];
/** A filer may rate once the case is resolved (and still after it is closed). */
export const RATEABLE_STATES: readonly CaseState[] = RESOLVED_STATES;
/** The filer may add information until the case is final. */
export const SUPPLEMENTABLE_STATES: readonly CaseState[] = ['submitted', 'triaged', 'assigned', 'sent_back', 'acknowledged', 'responded', 'resolved'];
/** Open311 knows two statuses: closed once the outcome is final for the requester. */
export const OPEN311_CLOSED_STATES: readonly CaseState[] = ['resolved', 'closed', 'rejected', 'split'];
export const OPEN311_OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !OPEN311_CLOSED_STATES.includes(s));

export const CHANNELS = ['web', 'phone', 'visit', 'letter', 'supervisor', 'campaign', 'open311', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];
/**
 * What a unit is told about how any case came in: one neutral value (来信来访 / submitted to the
 * commission). There are few special supervisors, each with an area, so "supervisor" or "a
 * citizen I met" would point at a person. Decided in case.visibility.ts.
 */
export const UNIT_CHANNEL = 'commission';
export const SHOWN_CHANNELS = [...CHANNELS, UNIT_CHANNEL] as const;
export type ShownChannel = (typeof SHOWN_CHANNELS)[number];

/** Complainant satisfaction with the outcome (满意 / 基本满意 / 不满意). */
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
