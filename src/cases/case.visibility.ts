import type { CaseLean } from './case.model';
import type { Viewer } from './case.service';
import { FILER_VISIBLE_ACTIONS } from './case.timeline';

type Who = 'commission' | 'unit' | 'filer';

export function whoIs(viewer: Pick<Viewer, 'role'>): Who {
  return viewer.role === 'unit' ? 'unit' : viewer.role === 'supervisor' ? 'filer' : 'commission';
}

const same = (a: unknown, b: unknown) => a != null && b != null && String(a) === String(b);

/**
 * The part of a case's handling a viewer may see, in one place for the case page and the API:
 * - the commission sees everything;
 * - a unit sees its own steps only (a case re-routed to it does not show the previous unit's
 *   contacts, extensions or reports), never the filer's own words in a rating, the commission's
 *   follow-up notes or its judgement of the filer's demand;
 * - the filer (a supervisor who filed it) sees what the tracking page shows: the published reply,
 *   the open question, the filer-safe timeline.
 */
export function visibleHandling(c: CaseLean, viewer: Viewer) {
  const who = whoIs(viewer);
  const mine = <T extends { unitId?: unknown }>(items: T[]) => (who === 'commission' ? items : who === 'unit' ? items.filter((x) => same(x.unitId, viewer.unitId)) : []);
  return {
    who,
    contacts: mine(c.contacts),
    extensions: mine(c.extensions),
    reports: mine(c.reports),
    sendBack: c.sendBack?.at && (who === 'commission' || (who === 'unit' && same(c.sendBack.unitId, viewer.unitId))) ? c.sendBack : null,
    followUps: who === 'commission' ? c.followUps : [],
    unreasonable: who === 'commission' && c.unreasonable?.at ? c.unreasonable : null,
    satisfactionComment: who === 'unit' ? null : (c.satisfaction?.comment ?? null),
    timeline: who === 'filer' ? c.timeline.filter((e) => FILER_VISIBLE_ACTIONS.includes(e.action)) : c.timeline,
  };
}
