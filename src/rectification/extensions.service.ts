import type { Context } from '../context';
import { dueDateInfo } from '../calendar/calendar.service';
import { dueInstant } from '../calendar/working-days';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { HANDLING_STATES, OPEN_STATES } from '../cases/case.states';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { noticeNumberOf } from '../routing/notice.service';
import { actorOf, commissionsCase, unitsCase, type Handler } from './handling';
import { owe } from './mails';

/**
 * The unit asks for more working days (延期申请), with a reason. Limits per case: a configurable
 * number pending at once (default 1) and in all (default 2); over them the request is refused (409).
 */
export async function requestExtension(ctx: Context, caseId: string, h: Handler, input: { workingDays: number; reason: string }): Promise<{ c: CaseLean; n: number }> {
  const { c, guard } = await unitsCase(h, caseId);
  if (!HANDLING_STATES.includes(c.status)) throw new ConflictError();
  // The limits count this unit's requests in its current assignment (a re-routed case starts afresh).
  const own = c.extensions.filter((e) => ofCurrentAssignment(c, e));
  const pending = own.filter((e) => e.status === 'pending').length;
  if (pending >= ctx.config.EXTENSIONS_PENDING_MAX || own.length >= ctx.config.EXTENSIONS_MAX) throw new AppError(409, 'extension_limit', 'extension_limit');
  const n = c.extensions.length + 1;
  const asked = await recordEvent(ctx, caseId, 'extension_requested', actorOf(h), HANDLING_STATES, {
    // Claimed on the list as read: a simultaneous second request finds it longer and is refused.
    guard: { ...guard, [`extensions.${n - 1}`]: { $exists: false } },
    push: { extensions: { n, at: ctx.clock.now(), by: h.id, unitId: h.unitId, workingDays: input.workingDays, reason: input.reason, status: 'pending' } },
    event: { unitId: h.unitId, note: input.reason, data: { n, workingDays: input.workingDays } },
  });
  await owe(ctx, asked, 'extension-requested', { n }, n);
  return { c: asked, n };
}

/**
 * The commission approves (the deadline moves by the working days asked, counted on the calendar
 * from the deadline in force; the old one stays in the timeline, the notice's number is cited) or
 * refuses with a reason.
 */
export async function decideExtension(ctx: Context, caseId: string, n: number, h: Handler, input: { approve: boolean; reason?: string }): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  const ext = c.extensions[n - 1];
  if (!ext || ext.n !== n) throw new NotFoundError();
  if (ext.status !== 'pending' || !ofCurrentAssignment(c, ext)) throw new ConflictError();
  if (!input.approve && !input.reason) throw new ValidationError({ reason: 'required' });
  const now = ctx.clock.now();
  const path = `extensions.${n - 1}`;
  // Claimed on the deadline as read too: a return or reopening that set a new deadline meanwhile wins.
  const guard = { [`${path}.status`]: 'pending', assignmentNo: c.assignmentNo, deadlineDate: c.deadlineDate };
  const notice = await noticeNumberOf(c);
  let decided: CaseLean;
  if (input.approve) {
    if (!c.deadlineDate) throw new ConflictError();
    const { date: to, provisional } = await dueDateInfo(c.deadlineDate, ext.workingDays!);
    decided = await recordEvent(ctx, caseId, 'extension_approved', actorOf(h), OPEN_STATES, {
      guard,
      set: {
        [`${path}.status`]: 'approved',
        [`${path}.decidedAt`]: now,
        [`${path}.decidedBy`]: h.id,
        [`${path}.decisionReason`]: input.reason ?? null,
        [`${path}.fromDate`]: c.deadlineDate,
        [`${path}.toDate`]: to,
        deadlineDate: to,
        deadlineAt: dueInstant(to, ctx.config.TZ_COUNTY),
        deadlineDays: (c.deadlineDays ?? 0) + ext.workingDays!,
        deadlineProvisional: provisional || !!c.deadlineProvisional,
      },
      event: { unitId: c.assignedUnitId, note: notice, data: { n, from: c.deadlineDate, to, workingDays: ext.workingDays } },
    });
  } else {
    decided = await recordEvent(ctx, caseId, 'extension_refused', actorOf(h), OPEN_STATES, {
      guard,
      set: { [`${path}.status`]: 'refused', [`${path}.decidedAt`]: now, [`${path}.decidedBy`]: h.id, [`${path}.decisionReason`]: input.reason },
      event: { unitId: c.assignedUnitId, note: input.reason ?? null, data: { n } },
    });
  }
  await owe(ctx, decided, 'extension-decided', { n }, n);
  return decided;
}

/** A request made by the unit that has the case now, in its current assignment. */
function ofCurrentAssignment(c: CaseLean, e: { unitId?: unknown; at?: Date | null }): boolean {
  return !!c.assignedUnitId && String(e.unitId) === String(c.assignedUnitId) && (!c.assignedAt || !e.at || e.at >= c.assignedAt);
}
