import type { CasePanel } from '../cases/case.page';
import { Notice, noticeNumber } from './notice.model';
import { triageOptions } from './triage.options';

/** The current written notice (or that it is being issued). */
export const noticePanel: CasePanel = {
  name: 'notice',
  view: 'routing/panels/notice',
  placement: 'top',
  load: async ({ c }) => {
    const notice = c.noticeId ? await Notice.findById(c.noticeId, { year: 1, seq: 1 }).lean() : null;
    if (!notice && !c.noticePending) return null;
    return { notice: notice ? { id: String(notice._id), number: noticeNumber(notice) } : null };
  },
};

/** Assign, re-route, split or reject: what the commission may do with the case now. */
export const triagePanel: CasePanel = {
  name: 'triage',
  view: 'routing/panels/triage',
  load: async ({ c, viewer }) => (viewer.role === 'commission' ? { triage: await triageOptions(c) } : null),
};
