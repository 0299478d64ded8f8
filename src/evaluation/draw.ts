import { createHash, createHmac } from 'node:crypto';

// The random draw of the panel, verifiable by anyone (plain functions, no database): the eligible
// registry is frozen in a snapshot whose SHA-256 is published; a seed is fixed afterwards at a
// recorded meeting (e.g. a public lottery's winning numbers); every person is ordered by
// HMAC-SHA256(seed, personId) and the first N of each kind are drawn. Same snapshot + seed, same panel.

export const DRAW_ALGORITHM =
  'Order the eligible people of each kind by HMAC-SHA256(key = seed as UTF-8, message = person id) as lowercase hex, ascending (ties by id); ' +
  'fill each sub-quota (if any) from that order, then the rest of the kind quota from the remaining people in the same order.';

export type Kind = 'entrepreneur' | 'public';

/** Plain code-unit order (what `sort` does on ASCII), never the locale's: the draw must not depend on where it runs. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface SnapshotPerson {
  id: string;
  kind: Kind;
  /** Public representatives' kind (deputy, cppcc, leader, citizen), for sub-quotas. */
  group?: string | null;
}

export interface Snapshot {
  evaluation: string;
  takenAt: string;
  /** How many of each kind are drawn (and sub-quotas): part of what the hash fixes. */
  quota: Quota;
  people: SnapshotPerson[];
}

export interface Quota {
  entrepreneur: number;
  public: number;
  /** Optional minimums per group within a kind, e.g. { public: { deputy: 20, cppcc: 20 } }. */
  groups?: Partial<Record<Kind, Record<string, number>>>;
}

/** The snapshot as published: people sorted by id, keys in a fixed order, no contact details. */
export function canonicalSnapshot(s: Snapshot): string {
  const people = [...s.people].sort((a, b) => byCodeUnits(a.id, b.id)).map((p) => ({ id: p.id, kind: p.kind, group: p.group ?? null }));
  const groups = (k: Kind) => Object.fromEntries(Object.entries(s.quota.groups?.[k] ?? {}).sort(([a], [b]) => byCodeUnits(a, b)));
  const quota = { entrepreneur: s.quota.entrepreneur, public: s.quota.public, groups: { entrepreneur: groups('entrepreneur'), public: groups('public') } };
  return JSON.stringify({ evaluation: s.evaluation, takenAt: s.takenAt, quota, people });
}

export function snapshotHash(s: Snapshot): string {
  return createHash('sha256').update(canonicalSnapshot(s)).digest('hex');
}

export function drawKey(seed: string, id: string): string {
  return createHmac('sha256', Buffer.from(seed, 'utf8')).update(id).digest('hex');
}

/** The panel for a snapshot and a seed: who, of which kind, in draw order. */
export function drawPanel(snapshot: Pick<Snapshot, 'people'>, seed: string, quota: Quota): { id: string; kind: Kind; order: number }[] {
  if (!seed.trim()) throw new RangeError('the seed is empty');
  const panel: { id: string; kind: Kind; order: number }[] = [];
  for (const kind of ['entrepreneur', 'public'] as const) {
    const ordered = snapshot.people
      .filter((p) => p.kind === kind)
      .map((p) => ({ ...p, key: drawKey(seed, p.id) }))
      .sort((a, b) => byCodeUnits(a.key, b.key) || byCodeUnits(a.id, b.id));
    const chosen = new Set<string>();
    for (const [group, n] of Object.entries(quota.groups?.[kind] ?? {})) {
      for (const p of ordered.filter((x) => x.group === group && !chosen.has(x.id)).slice(0, n)) chosen.add(p.id);
    }
    for (const p of ordered) {
      if (chosen.size >= quota[kind]) break;
      chosen.add(p.id);
    }
    // In draw order, so the panel reads the same however the sub-quotas were filled.
    ordered.filter((p) => chosen.has(p.id)).forEach((p, i) => panel.push({ id: p.id, kind, order: i + 1 }));
  }
  return panel;
}
