import type { CaseLean } from '../cases/case.model';
import type { Viewer } from '../cases/case.service';
import { isProblem, levelOf } from '../escalation/escalation.service';
import { noticeNumberOf } from '../routing/notice.service';
import { caseAsSeenBy, visibleHandling } from '../cases/case.visibility';

const id = (v: unknown) => (v ? String(v) : null);

/**
 * A case as the JSON API shows it to a viewer: the case, its deadline and notice, and the unit's
 * handling (signature, open question, extensions, reports with their decisions, the published
 * reply). Never the filer's identity; a filing supervisor (the filer) does not see the unit's
 * reports or internal notes, only the published reply, as on the tracking page.
 */
export async function caseJson(c: CaseLean, viewer: Viewer) {
  const filer = viewer.role === 'supervisor';
  const v = visibleHandling(c, viewer);
  return {
    id: String(c._id),
    number: c.number,
    status: c.status,
    channel: caseAsSeenBy(c, viewer).channel,
    categoryCode: c.categoryCode,
    description: c.description,
    place: c.place,
    // The point and the address-register id go with the place: whoever may read the case sees where (as on its page).
    location: c.location?.coordinates?.length === 2 ? { lat: c.location.coordinates[1]!, long: c.location.coordinates[0]! } : null,
    addressId: c.addressId ?? null,
    assignedUnitId: id(c.assignedUnitId),
    submittedAt: c.submittedAt,
    priority: c.priority ?? null,
    deadline: c.deadlineDate ? { date: c.deadlineDate, at: c.deadlineAt, workingDays: c.deadlineDays } : null,
    notice: c.noticeId ? { id: String(c.noticeId), number: await noticeNumberOf(c) } : null,
    signDue: c.signDueDate ? { date: c.signDueDate, at: c.signDueAt } : null,
    signedAt: c.signedAt ?? null,
    signedLate: c.signedLate ?? null,
    sendBack: v.sendBack ? { at: v.sendBack.at, unitId: id(v.sendBack.unitId), reasons: v.sendBack.reasons, basis: v.sendBack.basis } : null,
    contacts: v.contacts.map((x) => ({ at: x.at, means: x.means, note: x.note ?? null })),
    question: c.question?.text ? { n: c.question.n, at: c.question.at, text: c.question.text } : null,
    questions: c.questions.map((q) => ({ n: q.n, at: q.at, text: q.text, answeredAt: q.answeredAt ?? null, answer: q.answer ?? null, closed: !!q.closedBy })),
    extensions: v.extensions.map((e) => ({ n: e.n, at: e.at, workingDays: e.workingDays, reason: e.reason, status: e.status, decidedAt: e.decidedAt ?? null, decisionReason: e.decisionReason ?? null, fromDate: e.fromDate ?? null, toDate: e.toDate ?? null })),
    reports: v.reports.map((r) => ({
          n: r.n,
          at: r.at,
          findings: r.findings,
          actions: r.actions,
          outcome: r.outcome,
          result: r.result,
          accountability: r.accountability,
          accountabilityNote: r.accountabilityNote ?? null,
          reply: r.reply,
          internalNotes: r.internalNotes ?? null,
          attachments: r.attachments.length,
          deadline: r.deadlineDate ?? null,
          decision: r.decision?.at ? { accepted: r.decision.accepted, at: r.decision.at, reasons: r.decision.reasons ?? null, workingDays: r.decision.workingDays ?? null, newDeadline: r.decision.newDeadline ?? null, onTime: r.decision.onTime ?? null } : null,
        })),
    redo: !!c.redo,
    returnsCount: c.returnsCount,
    reopenCount: c.reopenCount,
    publicReply: c.publicReply?.text ? { at: c.publicReply.at, text: c.publicReply.text } : null,
    resolvedAt: c.resolvedAt ?? null,
    // A unit sees the rating, not the filer's own words (which may say who they are).
    satisfaction: c.satisfaction?.rating ? { rating: c.satisfaction.rating, comment: v.satisfactionComment, at: c.satisfaction.at, source: c.satisfaction.source } : null,
    dissatisfiedOpen: !!c.dissatisfiedOpen,
    unreasonable: v.unreasonable ? { at: v.unreasonable.at, reason: v.unreasonable.reason } : null,
    escalation: {
      level: levelOf(c),
      problem: isProblem(c),
      listedAt: c.typicalListedAt ?? null,
      events: filer ? [] : c.escalationEvents.map((e) => ({ level: e.level, dueAt: e.dueAt, appliedAt: e.appliedAt, manual: !!e.manual })),
    },
    paused: c.pausedDays ?? 0,
    timeline: v.timeline.map((e) => ({ at: e.at, action: e.action, from: e.from, to: e.to })),
  };
}
