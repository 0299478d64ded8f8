import type { Context } from '../context';
import { announceStatus } from '../cases/case.events';
import { transition } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { ConflictError, ValidationError } from '../platform/http/errors';
import { assignCase } from '../routing/assignment.service';
import { signDueAfter } from '../routing/notice.service';
import { actorOf, commissionsCase, unitsCase, type Handler } from './handling';
import { owe } from './mails';

/**
 * The unit signs for the notice (签收): who and when, late when after the signing deadline. The
 * correction deadline does not move: it runs from the notice, not from signing.
 */
export async function signCase(ctx: Context, caseId: string, h: Handler): Promise<CaseLean> {
  const { c, guard } = await unitsCase(h, caseId);
  const now = ctx.clock.now();
  const late = !!c.signDueAt && now > c.signDueAt;
  const signed = await transition(ctx, caseId, 'sign', actorOf(h), {
    action: 'signed',
    guard: { ...guard, signedAt: null, noticeId: { $ne: null } },
    set: { signedAt: now, signedBy: h.id, signedLate: late },
    event: { unitId: h.unitId, data: { late, signDue: c.signDueDate } },
  });
  await announceStatus(ctx, signed, 'acknowledged', signed.assignmentNo);
  return signed;
}

/**
 * Within the signing window, instead of signing, the unit sends the case back as not its
 * responsibility, with reasons and the legal basis; the commission rules finally. A unit sends a
 * case back once.
 */
export async function sendBack(ctx: Context, caseId: string, h: Handler, input: { reasons: string; basis: string }): Promise<CaseLean> {
  const { c, guard } = await unitsCase(h, caseId);
  const now = ctx.clock.now();
  if (c.sentBackBy.some((u) => h.unitId!.equals(u))) throw new ConflictError('already_sent_back');
  if (c.signDueAt && now > c.signDueAt) throw new ConflictError('send_back_window_closed');
  const sent = await transition(ctx, caseId, 'send_back', actorOf(h), {
    action: 'sent_back',
    guard: { ...guard, signedAt: null, noticeId: { $ne: null }, sentBackBy: { $ne: h.unitId } },
    set: { sendBack: { at: now, unitId: h.unitId, by: h.id, reasons: input.reasons, basis: input.basis } },
    addToSet: { sentBackBy: h.unitId },
    event: { unitId: h.unitId, note: input.reasons },
  });
  await owe(ctx, sent, 'sent-back', {}, `${sent.assignmentNo}`);
  return sent;
}

export interface SendBackRuling {
  /** true: the case stays with the unit (deadline unchanged); false: re-route it to `unitId`. */
  insist: boolean;
  unitId?: string;
}

/**
 * The commission's final ruling on a send-back (终审): re-route it to another unit (a new notice
 * and deadline), or insist — the case returns to the same unit with its deadline unchanged, the
 * unit signs within a fresh signing window, and the send-back counts against it.
 */
export async function ruleSendBack(ctx: Context, caseId: string, h: Handler, ruling: SendBackRuling): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  if (c.status !== 'sent_back' || !c.sendBack) throw new ConflictError();
  if (!ruling.insist) {
    if (!ruling.unitId) throw new ValidationError({ unitId: 'required' });
    if (c.sendBack.unitId && String(c.sendBack.unitId) === ruling.unitId) throw new ValidationError({ unitId: 'same_unit' });
    const rerouted = await assignCase(ctx, caseId, { unitId: ruling.unitId, priority: c.priority ?? 'normal', categoryCode: c.categoryCode, basis: c.basis ?? undefined, requirements: c.requirements ?? undefined, expectedAssignmentNo: c.assignmentNo, by: actorOf(h), only: ['sent_back'] });
    await owe(ctx, { _id: c._id, assignedUnitId: c.sendBack.unitId }, 'send-back-ruled', { insisted: 0 }, `${c.assignmentNo}`);
    return rerouted;
  }
  const signDue = await signDueAfter(ctx, ctx.clock.now());
  const insisted = await transition(ctx, caseId, 'insist', actorOf(h), {
    action: 'insisted',
    guard: { assignmentNo: c.assignmentNo },
    set: { sendBack: null, signDueDate: signDue?.date ?? null, signDueAt: signDue?.at ?? null },
    event: { unitId: c.sendBack.unitId, data: { wrongSendBack: true } },
  });
  await owe(ctx, insisted, 'send-back-ruled', { insisted: 1 }, `${c.assignmentNo}`);
  return insisted;
}
