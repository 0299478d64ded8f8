import { Types } from 'mongoose';
import type { Context } from '../context';
import { CalendarGapError } from '../calendar/working-days';
import { transition } from '../cases/case.lifecycle';
import { nextCaseNumber } from '../cases/case.numbers';
import { findCase } from '../cases/case.service';
import { createCase, markCase } from '../cases/case.store';
import { findActiveCategory } from '../cases/category.service';
import { SYSTEM, type Actor } from '../cases/case.timeline';
import { copyIdentity, trackingCodeOf } from '../cases/identity.service';
import { ConflictError, ValidationError } from '../platform/http/errors';
import { isDuplicateKey } from '../platform/mongo';
import { findActiveUnit } from '../units/unit.service';
import { assignCase } from './assignment.service';
import type { Priority } from './deadline-policy.model';
import { deadlineFrom, workingDaysFor } from './deadline.service';

export interface SplitPart {
  /** The form block it came from, for error keys. */
  index?: number;
  unitId: string;
  categoryCode: string;
  description: string;
  priority: Priority;
}

/**
 * Splits one submission that concerns several units into one case per unit, each assigned with
 * its own notice and deadline. The original moves to `split` (not handled itself, so it never
 * counts in a unit's figures) with links to its parts; the filer's tracking page lists them;
 * each part keeps the filer's identity apart, like any case.
 */
export async function splitCase(ctx: Context, caseId: string, parts: SplitPart[], by: Actor): Promise<string[]> {
  const fields: Record<string, string> = {};
  for (const [i, p] of parts.entries()) {
    const at = p.index ?? i;
    if (!(await findActiveUnit(p.unitId))) fields[`parts.${at}.unitId`] = 'unknown_unit';
    if (!(await findActiveCategory(p.categoryCode))) fields[`parts.${at}.categoryCode`] = 'unknown_category';
  }
  if (parts.length < 2) fields.parts = 'split_needs_two';
  // Every part's deadline must be computable before anything changes: a split that fails half
  // way would leave the original split with parts missing.
  const now = ctx.clock.now();
  for (const [i, p] of parts.entries()) {
    try {
      await deadlineFrom(now, await workingDaysFor(p.categoryCode, p.priority), ctx.config.TZ_COUNTY);
    } catch (err) {
      if (!(err instanceof CalendarGapError)) throw err;
      fields[`parts.${p.index ?? i}.priority`] = 'calendar_gap';
    }
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);

  // The plan (each part with its case id, chosen now) is claimed with the transition, so a split
  // that stops half way is finished from it by the finish-split job, never left with parts missing.
  const plan = parts.map((p) => ({ caseId: new Types.ObjectId(), unitId: new Types.ObjectId(p.unitId), categoryCode: p.categoryCode, description: p.description, priority: p.priority }));
  await transition(ctx, caseId, 'split', by, { set: { routedAt: now, splitPlan: plan, splitPending: true }, event: { note: String(parts.length) } });
  return finishSplit(ctx, caseId, by);
}

/**
 * Creates and assigns every planned part that is not there yet; safe to run again (a part's case
 * id is fixed by the plan, its assignment is claimed on `submitted`).
 */
export async function finishSplit(ctx: Context, caseId: string, by: Actor = SYSTEM): Promise<string[]> {
  const parent = await findCase(caseId);
  if (!parent || parent.status !== 'split' || !parent.splitPending) return parent?.splitInto ?? [];
  const now = ctx.clock.now();
  const numbers: string[] = [];
  for (const part of parent.splitPlan) {
    let child = await findCase(part.caseId);
    if (!child) {
      try {
        await createCase(
          {
            _id: part.caseId,
            number: await nextCaseNumber(now, ctx.config.TZ_COUNTY),
            channel: parent.channel,
            categoryCode: part.categoryCode,
            description: part.description,
            place: parent.place,
            eventDate: parent.eventDate,
            concerns: parent.concerns,
            fromCitizenMet: parent.fromCitizenMet,
            filedBy: parent.filedBy,
            campaignId: parent.campaignId,
            letterId: parent.letterId,
            attachments: parent.attachments,
            splitFrom: parent._id,
            submittedAt: parent.submittedAt,
            routingQueued: true, // assigned here by the commission's decision; no routing job
          },
          { at: now, actor: by, action: 'split_from', note: parent.number },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another run created it first
      }
      child = (await findCase(part.caseId))!;
    }
    if (!(await trackingCodeOf(child._id))) await copyIdentity(parent._id, child._id);
    if (child.status === 'submitted') {
      try {
        await assignCase(ctx, String(child._id), { unitId: String(part.unitId), priority: part.priority, by, firstOnly: true });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    numbers.push(child.number);
  }
  await markCase(parent._id, { splitInto: numbers, splitPending: false });
  ctx.logger.info({ caseId, parts: numbers.length }, 'case.split_finished');
  return numbers;
}
