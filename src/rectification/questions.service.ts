import type { Types } from 'mongoose';
import type { Context } from '../context';
import { recordEvent } from '../cases/case.lifecycle';
import type { CaseLean } from '../cases/case.model';
import { findCase } from '../cases/case.service';
import { HANDLING_STATES, OPEN_STATES } from '../cases/case.states';
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

/** The filer's supplement answers the open question, if there is one (called after the supplement is saved). */
export async function answerOpenQuestion(ctx: Context, caseId: Types.ObjectId, answer: string): Promise<boolean> {
  const c = await findCase(caseId);
  if (!c?.question) return false;
  try {
    await recordEvent(ctx, caseId, 'question_answered', CITIZEN, OPEN_STATES, {
      guard: { 'question.n': c.question.n },
      set: { question: null },
      push: { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: ctx.clock.now(), answer, closedBy: null } },
      event: { unitId: c.assignedUnitId, note: String(c.question.n) },
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
  return recordEvent(ctx, caseId, 'question_closed', actorOf(h), OPEN_STATES, {
    guard: { 'question.n': c.question.n },
    set: { question: null },
    push: { questions: { n: c.question.n, at: c.question.at, text: c.question.text, answeredAt: null, answer: null, closedBy: h.id } },
    event: { unitId: c.assignedUnitId, note: String(c.question.n) },
  });
}
