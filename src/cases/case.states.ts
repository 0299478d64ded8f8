// The case lifecycle (DESIGN section 3). Queries and views share these sets; define them once.
export const CASE_STATES = [
  'submitted',
  'triaged',
  'assigned',
  'acknowledged',
  'responded',
  'resolved',
  'closed',
  'rejected',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const OPEN_STATES: readonly CaseState[] = ['submitted', 'triaged', 'assigned', 'acknowledged', 'responded'];
export const FINAL_STATES: readonly CaseState[] = ['closed', 'rejected'];
/** States in which a unit has the case in hand and may see it. */
export const UNIT_VISIBLE_STATES: readonly CaseState[] = ['assigned', 'acknowledged', 'responded', 'resolved', 'closed'];

// "returned" is not a state of its own: a returned report goes back to `assigned` with a new
// deadline, and the timeline records the return.
const TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  // -> closed: split into several cases, one per unit (the original keeps links to its parts).
  submitted: ['triaged', 'assigned', 'rejected', 'closed'],
  triaged: ['assigned', 'rejected', 'closed'],
  assigned: ['acknowledged', 'assigned', 'rejected'],
  acknowledged: ['responded', 'assigned'],
  responded: ['resolved', 'assigned'],
  resolved: ['closed'],
  closed: [],
  rejected: [],
};

export function canTransition(from: CaseState, to: CaseState): boolean {
  return TRANSITIONS[from].includes(to);
}

export const CHANNELS = ['web', 'phone', 'visit', 'letter', 'supervisor', 'campaign', 'open311', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Complainant satisfaction with the outcome (满意 / 基本满意 / 不满意). */
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
/** A filer may rate once the case is resolved (and still after it is closed). */
export const RATEABLE_STATES: readonly CaseState[] = ['resolved', 'closed'];
