import type { CasePanel } from '../cases/case.page';
import { maskPersonalData } from './mask';

/**
 * The publishable mark on the case page (commission only): whether the filer's description may
 * appear on the public page, and what the public would read (masked), with the button to set or
 * clear it. Administrators read it; only commission staff change it.
 */
export const publishablePanel: CasePanel = {
  name: 'publishable',
  view: 'transparency/panel',
  load: async ({ c, commission, viewer }) => (commission ? { publishable: !!c.publishable, preview: maskPersonalData(c.description), canChange: viewer.role === 'commission' } : null),
};
