import type { Types } from 'mongoose';
import type { Role } from '../platform/roles';

/** Every kind of timeline event. Events are appended, never edited or deleted. */
export const TIMELINE_ACTIONS = [
  'submitted',
  'awaiting_triage',
  'assigned',
  'rerouted',
  'rejected',
  'split',
  'split_from',
  'notice_issued',
  'supplemented',
  'rated',
  // Rectification (the unit's handling and the commission's review)
  'signed',
  'sent_back',
  'insisted',
  'contacted',
  'question_asked',
  'question_answered',
  'question_closed',
  'extension_requested',
  'extension_approved',
  'extension_refused',
  'reported',
  'accepted',
  'returned',
  'dissatisfied',
  'reopened',
  'closed',
  'followed_up',
  'unreasonable',
  // Escalation (deadline discipline)
  'sign_reminded',
  'reminded',
  'escalated',
  'problem_case',
  // Transparency: the commission allows (or no longer allows) the description on the public page
  'publishable_set',
  'publishable_cleared',
] as const;
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/** What the filer sees on the tracking page: their own steps and the outcome, no internal ones. */
export const FILER_VISIBLE_ACTIONS: readonly TimelineAction[] = [
  'submitted',
  'awaiting_triage',
  'assigned',
  'rerouted',
  'rejected',
  'split',
  'supplemented',
  'rated',
  'signed',
  'question_asked',
  'question_answered',
  'extension_approved',
  'accepted',
  'returned',
  'reopened',
  'closed',
];

export interface Actor {
  kind: 'citizen' | 'user' | 'system';
  userId?: Types.ObjectId | null;
  role?: Role | null;
}

export const SYSTEM: Actor = { kind: 'system' };
export const CITIZEN: Actor = { kind: 'citizen' };

/** Who the current user is, as a timeline actor. */
export function userActor(user: { id: Types.ObjectId; role: Role }): Actor {
  return { kind: 'user', userId: user.id, role: user.role };
}

/** What an event says besides who and when: the unit it concerns, a note, values before/after. */
export interface EventDetails {
  unitId?: Types.ObjectId | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}
