import type { Context } from '../context';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { HANDLING_STATES } from '../cases/case.states';
import { ValidationError } from '../platform/http/errors';
import { actorOf, unitsCase, type Handler } from './handling';

/** How the unit reached the filer first (先行联系), or that it could not (with why, in the note). */
export const CONTACT_MEANS = ['phone', 'visit', 'platform', 'unreachable'] as const;
export type ContactMeans = (typeof CONTACT_MEANS)[number];

/**
 * Records the unit's first contact with the filer before it reports. An anonymous filer is
 * reached through the platform's question channel ("platform"): the unit never learns who they are.
 */
export async function recordContact(ctx: Context, caseId: string, h: Handler, input: { at: Date; means: ContactMeans; note?: string }): Promise<CaseLean> {
  const { c, guard } = await unitsCase(h, caseId);
  const now = ctx.clock.now();
  const fields: Record<string, string> = {};
  if (input.at > now) fields.at = 'future_date';
  else if (c.assignedAt && input.at < c.assignedAt) fields.at = 'before_assignment';
  if (input.means === 'unreachable' && !input.note) fields.note = 'required';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return recordEvent(ctx, caseId, 'contacted', actorOf(h), HANDLING_STATES, {
    guard,
    push: { contacts: { at: input.at, means: input.means, note: input.note ?? null, recordedAt: now, by: h.id, unitId: h.unitId } },
    event: { unitId: h.unitId, note: input.means },
  });
}
