import { Types } from 'mongoose';
import type { Context } from '../context';
import { AppError, ValidationError } from '../http/errors';
import { Case } from '../cases/case.model';
import { Category } from '../cases/category.model';
import { Complainant } from '../cases/complainant.model';
import { nextCaseNumber } from '../cases/case.numbers';
import { newTrackingCode } from '../cases/tracking';
import { findActiveUnit } from '../units/unit.service';
import { assignCase } from './assignment.service';
import type { Priority } from './deadline-policy.model';
import { deadlineFrom, workingDaysFor } from './deadline.service';
import { CalendarGapError } from '../calendar/working-days';

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
 * its own notice and deadline. The original is closed with links to its parts (the filer's
 * tracking page lists them); each part keeps the filer's identity apart, like any case.
 */
export async function splitCase(ctx: Context, caseId: string, parts: SplitPart[], userId: Types.ObjectId): Promise<string[]> {
  if (!Types.ObjectId.isValid(caseId)) throw new AppError(404, 'not_found', 'not_found');
  const fields: Record<string, string> = {};
  for (const [i, p] of parts.entries()) {
    const at = p.index ?? i;
    if (!(await findActiveUnit(p.unitId))) fields[`parts.${at}.unitId`] = 'unknown_unit';
    if (!(await Category.exists({ code: p.categoryCode, active: true }))) fields[`parts.${at}.categoryCode`] = 'unknown_category';
  }
  if (parts.length < 2) fields.parts = 'split_needs_two';
  // Every part's deadline must be computable before anything changes: a split that fails half
  // way would leave the original closed with parts missing.
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

  const parent = await Case.findOneAndUpdate(
    { _id: caseId, status: { $in: ['submitted', 'triaged'] } },
    {
      $set: { status: 'closed', routedAt: now },
      $push: { timeline: { at: now, actor: { kind: 'user', userId }, action: 'split', to: 'closed', note: String(parts.length) } },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!parent) throw new AppError(409, 'state_changed', 'state_changed');
  const who = await Complainant.findOne({ caseId: parent._id }).lean();

  const numbers: string[] = [];
  for (const part of parts) {
    const childId = new Types.ObjectId();
    const number = await nextCaseNumber(now, ctx.config.TZ_COUNTY);
    await Case.create({
      _id: childId,
      number,
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
      routingQueued: true, // assigned below by the commission's decision; no routing job
      timeline: [{ at: now, actor: { kind: 'user', userId }, action: 'split_from', note: parent.number }],
    });
    await Complainant.create({
      caseId: childId,
      anonymous: who?.anonymous ?? true,
      name: who?.name ?? null,
      phone: who?.phone ?? null,
      email: who?.email ?? null,
      trackingCode: newTrackingCode(),
      // The filer follows the parts through the original's code; this secret is never shown.
      secretHash: who?.secretHash ?? 'none',
    });
    await assignCase(ctx, String(childId), { unitId: part.unitId, priority: part.priority, by: { kind: 'user', userId } }, ['submitted']);
    numbers.push(number);
  }
  await Case.updateOne({ _id: parent._id }, { $set: { splitInto: numbers } });
  ctx.logger.info({ caseId, parts: numbers.length }, 'case.split');
  return numbers;
}
