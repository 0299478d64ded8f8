import { mailsForCase } from '../platform/mail/outbox';
import type { CasePanel } from './case.page';
import { possibleDuplicates } from './duplicates';
import { identityReads } from './identity.service';

/** Possible duplicates: open cases about the same unit and category (commission only). */
export const duplicatesPanel: CasePanel = {
  name: 'duplicates',
  view: 'cases/panels/duplicates',
  load: async ({ c, commission }) => (commission ? { duplicates: await possibleDuplicates(c) } : null),
};

/** The mails owed for this case and how delivery went (failures are retried with backoff). */
export const mailsPanel: CasePanel = {
  name: 'mails',
  view: 'cases/panels/mails',
  load: async ({ c, commission }) => (commission ? { mails: await mailsForCase(c._id) } : null),
};

/** Who filed it: shown to commission staff only after they give a reason, which is recorded. */
export const identityPanel: CasePanel = {
  name: 'identity',
  view: 'cases/panels/identity',
  load: async ({ c, commission }) => (commission ? { identityInfo: await identityReads(c._id) } : null),
};
