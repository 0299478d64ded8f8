import type { Types } from 'mongoose';
import type { CaseFields } from '../cases/case.model';
import { OPEN311_CLOSED_STATES } from '../cases/case.states';
import { filerTermsForMasking } from '../cases/identity.service';
import { maskPersonalData } from '../transparency/mask';

// What Open311 reads of a case, in one place for the live reads and the public snapshot.

export type Open311Status = 'open' | 'closed';

export function open311Status(state: string): Open311Status {
  return (OPEN311_CLOSED_STATES as readonly string[]).includes(state) ? 'closed' : 'open';
}

/**
 * What Open311 reads of a case, apart from the database document so the anonymous list can keep
 * it in a cache (open311.snapshot.ts). The text fields are filled only when they may be shown to
 * whoever will read them (`withText`): a public snapshot never holds a private complaint's text.
 */
export interface RequestFacts {
  number: string;
  state: string;
  categoryCode: string;
  submittedAt: number;
  updatedAt: number;
  deadlineAt: number | null;
  unitId: string | null;
  reply: string | null;
  publishable: boolean;
  text: { description: string; place: string | null; addressId: string | null; coordinates: [number, number] | null } | null;
}

/** The case fields factsOf reads: a projection keeps the snapshot's scan light. */
export const FACT_FIELDS = { number: 1, status: 1, categoryCode: 1, submittedAt: 1, timeline: 1, deadlineAt: 1, assignedUnitId: 1, publicReply: 1, publishable: 1, description: 1, place: 1, addressId: 1, location: 1 } as const;

export type CaseLean = CaseFields & { _id: Types.ObjectId };

/**
 * The deadline, read from the raw document: a lean read returns stored fields whatever the
 * schema says, so a deadline written by another process version still shows.
 */
function deadlineOf(c: object): Date | null {
  const v = (c as Record<string, unknown>).deadlineAt;
  return v instanceof Date && !Number.isNaN(v.getTime()) ? v : null;
}

/** Last change: when it was closed for a closed request (spec), else the latest timeline event. */
function updatedOf(c: CaseLean): Date {
  const events = c.timeline ?? [];
  if (open311Status(c.status) === 'closed') {
    const closing = [...events].reverse().find((e) => e.to === c.status);
    if (closing) return closing.at;
  }
  return events.reduce<Date>((latest, e) => (e.at > latest ? e.at : latest), c.submittedAt);
}

/** The point as [long, lat] numbers (GeoJSON order), or null when the case has none or a malformed one. */
function coordinatesOf(c: CaseLean): [number, number] | null {
  const p = c.location?.coordinates;
  return Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n)) ? [p[0]!, p[1]!] : null;
}

export function factsOf(c: CaseLean, withText: boolean): RequestFacts {
  const deadline = deadlineOf(c);
  return {
    number: c.number,
    state: c.status,
    categoryCode: c.categoryCode,
    submittedAt: c.submittedAt.getTime(),
    updatedAt: updatedOf(c).getTime(),
    deadlineAt: deadline ? deadline.getTime() : null,
    unitId: c.assignedUnitId ? String(c.assignedUnitId) : null,
    reply: c.publicReply?.text || null,
    publishable: c.publishable === true,
    text: withText ? { description: c.description, place: c.place ?? null, addressId: c.addressId ?? null, coordinates: coordinatesOf(c) } : null,
  };
}


/**
 * The facts as an anonymous reader may see them: the published reply and a publishable case's
 * description with phones, emails, ID numbers and the filer's own name, phone and email masked, as
 * on the public page (src/transparency/mask.ts). The filers' terms are read in one query for all
 * the cases that show any text (the snapshot's build, or a single older request).
 */
export async function publicFacts(cases: readonly CaseLean[]): Promise<RequestFacts[]> {
  const facts = cases.map((c) => factsOf(c, c.publishable === true));
  const showing = cases.filter((_, i) => facts[i]!.reply || facts[i]!.text);
  const terms = showing.length ? await filerTermsForMasking(showing.map((c) => c._id)) : new Map<string, string[]>();
  return facts.map((f, i) => {
    const own = terms.get(String(cases[i]!._id)) ?? [];
    return { ...f, reply: f.reply && maskPersonalData(f.reply, own), text: f.text && { ...f.text, description: maskPersonalData(f.text.description, own) } };
  });
}
