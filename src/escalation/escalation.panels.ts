import type { CasePanel } from '../cases/case.page';
import { HANDLING_STATES } from '../cases/case.states';
import { SupervisionNotice, supervisionNumber } from './escalation.models';
import { isProblem, levelOf } from './escalation.service';

/** The overdue ladder on the case page: level, each step with when it was due and taken, supervision notices, pause; the commission's urge / supervise. */
export const escalationPanel: CasePanel = {
  name: 'escalation',
  view: 'escalation/panels/escalation',
  placement: 'top',
  load: async ({ c, viewer }) => {
    if (viewer.role === 'supervisor' || (!c.escalationEvents.length && !c.pausedDays && !HANDLING_STATES.includes(c.status))) return null;
    // A unit sees the supervision notices addressed to it, not those of a unit that had the case before.
    const notices = await SupervisionNotice.find({ caseId: c._id, ...(viewer.role === 'unit' ? { unitId: viewer.unitId } : {}) }, { year: 1, seq: 1, issuedAt: 1, manual: 1 }).sort({ seq: 1 }).lean();
    return {
      level: levelOf(c),
      problem: isProblem(c),
      events: c.escalationEvents.map((e) => ({ level: e.level, dueAt: e.dueAt, appliedAt: e.appliedAt, manual: !!e.manual })),
      supervisionNotices: notices.map((n) => ({ id: String(n._id), number: supervisionNumber(n), issuedAt: n.issuedAt })),
      canEscalate: viewer.role === 'commission' && HANDLING_STATES.includes(c.status),
    };
  },
};
