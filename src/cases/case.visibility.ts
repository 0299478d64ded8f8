import type { CaseLean } from './case.model';
import type { Viewer } from './case.service';
import { UNIT_CHANNEL, type Channel, type ShownChannel } from './case.states';
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
    timeline: who === 'filer' ? c.timeline.filter((e) => FILER_VISIBLE_ACTIONS.includes(e.action)) : caseAsSeenBy(c, viewer).timeline,
  };
}

/** The channel a viewer is told: the real one for the commission and the filer, a neutral one for units. */
export function shownChannel(channel: Channel, viewer: Pick<Viewer, 'role'>): ShownChannel {
  return whoIs(viewer) === 'unit' ? UNIT_CHANNEL : channel;
}

/** A case as a viewer may read it whole (case page, API): see caseAsSeenBy. */
export type SeenCase = Omit<CaseLean, 'channel'> & { channel: ShownChannel };

/**
 * The case's own facts as a viewer may see them; with visibleHandling, the one place that decides
 * what a unit learns about how a case came in and who brought it. A unit never learns that a
 * special supervisor filed it (few, each with an area): it gets the neutral channel, no "a citizen
 * I met", no "concerns" line (only supervisors' feedback has one), no filer account, campaign or
 * letter, not the unit the filer named, and a submission event without who entered it or how.
 * The commission and the filer see the case as stored.
 */
export function caseAsSeenBy(c: CaseLean, viewer: Pick<Viewer, 'role'>): SeenCase {
  if (whoIs(viewer) !== 'unit') return c;
  return {
    ...c,
    channel: UNIT_CHANNEL,
    concerns: null,
    fromCitizenMet: null,
    filedBy: null,
    campaignId: null,
    letterId: null,
    targetUnitId: null,
    // A lean read's arrays are plain; the inferred type still says DocumentArray.
    timeline: c.timeline.map((e) => (e.action === 'submitted' ? { ...e, actor: { kind: 'citizen', userId: null, role: null }, note: null } : e)) as unknown as CaseLean['timeline'],
  };
}
