import type { Types } from 'mongoose';
import type { Context } from '../context';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { HANDLING_STATES, OPEN_STATES } from '../cases/case.states';
import { loadCalendar } from '../calendar/calendar.service';
import { addWorkingDays, CalendarGapError, dueInstant, provisionalYears, workingDaysBetween } from '../calendar/working-days';
import { countyDate } from '../clock';
import { CITIZEN } from '../cases/case.timeline';
import { ConflictError } from '../platform/http/errors';
import { actorOf, commissionsCase, unitsCase, type Handler } from './handling';
import { owe } from './mails';

/**
 * The unit asks the filer for more information. The filer sees it on the tracking page (and by
 * mail if they left an address) and answers with the supplement form; meanwhile the case shows
 * "waiting for the filer". One open question at a time.
 */
export async function askQuestion(ctx: Context, caseId: string, h: Handler, text: string): Promise<{ c: CaseLean; n: number }> {
  const { c, guard } = await unitsCase(h, caseId);
  const n = c.questions.length + (c.question ? 1 : 0) + 1;
  const asked = await recordEvent(ctx, caseId, 'question_asked', actorOf(h), HANDLING_STATES, {
    guard: { ...guard, question: null },
    set: { question: { n, at: ctx.clock.now(), text, by: h.id } },
    event: { unitId: h.unitId, note: String(n) },
  });
  await owe(ctx, asked, 'question-asked', { n }, n);
  return { c: asked, n };
}

/**
 * The pause rule: the working days a question was open do not count against the unit. When it is
 * answered or closed, the deadline in force moves by them (counted on the calendar from the day
 * it was asked to today); nothing moves for a question answered the same day.
 */
async function pauseFields(ctx: Pick<Context, 'clock' | 'config'>, c: CaseLean): Promise<{ set: Record<string, unknown>; inc?: Record<string, number>; data: Record<string, unknown> }> {
  if (!c.question?.at || !c.deadlineDate || !HANDLING_STATES.includes(c.status)) return { set: {}, data: {} };
  const cal = await loadCalendar();
  const asked = countyDate(c.question.at, ctx.config.TZ_COUNTY);
  const today = countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY);
  let paused = 0;
  let to = c.deadlineDate;
  try {
    paused = workingDaysBetween(asked, today, cal);
    if (paused > 0) to = addWorkingDays(c.deadlineDate, paused, cal);
  } catch (err) {
    if (!(err instanceof CalendarGapError)) throw err;
    return { set: {}, data: { paused: 0, calendarGap: err.year } };
  }
  if (!paused) return { set: {}, data: { paused: 0 } };
  return {
    set: { deadlineDate: to, deadlineAt: dueInstant(to, ctx.config.TZ_COUNTY), deadlineDays: (c.deadlineDays ?? 0) + paused, deadlineProvisional: !!c.deadlineProvisional || provisionalYears(c.deadlineDate, to, cal).length > 0 },
    inc: { pausedDays: paused },
    data: { paused, from: c.deadlineDate, to },
  };
}

/** The filer's supplement answers the open question, if there is one (called after the supplement is saved). */
export async function answerOpenQuestion(ctx: Context, caseId: Types.ObjectId, answer: string): Promise<boolean> {
  const c = await findCase(caseId);
  if (!c?.question) return false;
  try {
    const pause = await pauseFields(ctx, c);
    await recordEvent(ctx, caseId, 'question_answered', CITIZEN, OPEN_STATES, {
      guard: { 'question.n': c.question.n },
      set: { question: null, ...pause.set },
      inc: pause.inc,
      push: { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: ctx.clock.now(), answer, closedBy: null } },
      event: { unitId: c.assignedUnitId, note: String(c.question.n), data: pause.data },
    });
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false; // answered or closed meanwhile
    throw err;
  }
}

/** The commission closes a question the filer will not answer (e.g. unreachable). */
export async function closeQuestion(ctx: Context, caseId: string, h: Handler): Promise<CaseLean> {
  const c = await commissionsCase(h, caseId);
  if (!c.question) throw new ConflictError();
  const pause = await pauseFields(ctx, c);
  return recordEvent(ctx, caseId, 'question_closed', actorOf(h), OPEN_STATES, {
    guard: { 'question.n': c.question.n },
    set: { question: null, ...pause.set },
    inc: pause.inc,
    push: { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: null, answer: null, closedBy: h.id } },
    event: { unitId: c.assignedUnitId, note: String(c.question.n), data: pause.data },
  });
}
