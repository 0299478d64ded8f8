import type { CasePanel } from '../cases/case.page';
import { HANDLING_STATES, RATEABLE_STATES } from '../cases/case.states';
import { listActiveUnits } from '../units/unit.service';

/** The handling record: signature, send-back, contacts, questions, extensions, reports, reply. */
export const handlingPanel: CasePanel = {
  name: 'handling',
  view: 'rectification/panels/handling',
  placement: 'top',
  load: async ({ c, viewer }) => {
    if (!c.assignedUnitId && !c.publicReply?.text) return null;
    // The filer (a supervisor) sees the published reply, not the unit's reports or notes.
    return { filerView: viewer.role === 'supervisor', staffView: viewer.role !== 'supervisor' };
  },
};

/** What the unit can do now: sign or send back, contact, ask, ask for time, report. */
export const unitActionsPanel: CasePanel = {
  name: 'unit-actions',
  view: 'rectification/panels/unit-actions',
  load: async ({ c, viewer }) => {
    if (viewer.role !== 'unit') return null;
    const handling = HANDLING_STATES.includes(c.status);
    const unsigned = c.status === 'assigned' && !c.signedAt && !!c.noticeId;
    return {
      canSign: unsigned,
      canSendBack: unsigned && !c.sentBackBy.some((u) => viewer.unitId && String(u) === String(viewer.unitId)),
      canContact: handling,
      canAsk: handling && !c.question,
      canExtend: handling,
      canReport: handling && !!c.signedAt,
    };
  },
};

/** The commission's decisions: send-back ruling, extensions, report review, dissatisfied filers, follow-up. */
export const reviewPanel: CasePanel = {
  name: 'review',
  view: 'rectification/panels/review',
  load: async ({ c, viewer }) => {
    if (viewer.role !== 'commission') return null;
    const latest = c.reports.at(-1);
    const panel = {
      ruling: c.status === 'sent_back',
      pendingExtensions: c.extensions.filter((e) => e.status === 'pending').map((e) => ({ n: e.n, workingDays: e.workingDays, reason: e.reason })),
      pendingReport: c.status === 'responded' && latest && !latest.decision?.at ? latest.n : null,
      question: !!c.question,
      dissatisfied: c.status === 'resolved' && c.dissatisfiedOpen,
      canReopen: c.status === 'resolved',
      canFollowUp: RATEABLE_STATES.includes(c.status),
      canMarkUnreasonable: RATEABLE_STATES.includes(c.status) && c.satisfaction?.rating === 'dissatisfied' && !c.unreasonable?.at,
      units: c.status === 'sent_back' ? await listActiveUnits() : [],
    };
    const any = panel.ruling || panel.pendingExtensions.length || panel.pendingReport || panel.question || panel.canReopen || panel.canFollowUp;
    return any ? panel : null;
  },
};
