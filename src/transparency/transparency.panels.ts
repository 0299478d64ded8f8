import type { CasePanel } from '../cases/case.page';
import { filerTermsForMasking } from '../cases/identity.service';
import { maskPersonalData } from './mask';

/**
 * The publishable mark on the case page (commission only): whether the filer's description may
 * appear on the public page, and exactly what the public would read (masked as the refresh job
 * masks it, the filer's own name, phone and email included), with the button to set or clear it.
 * Administrators read it; only commission staff change it.
 */
export const publishablePanel: CasePanel = {
  name: 'publishable',
  view: 'transparency/panel',
  load: async ({ c, commission, viewer }) => {
    if (!commission) return null;
    const terms = (await filerTermsForMasking([c._id])).get(String(c._id)) ?? [];
    return { publishable: !!c.publishable, preview: maskPersonalData(c.description, terms), canChange: viewer.role === 'commission' };
  },
};
