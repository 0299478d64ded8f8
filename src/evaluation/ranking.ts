import { createHmac } from 'node:crypto';
import { byCodeUnits } from './draw';

// Ranking a series and its outcomes, plain functions. Ties are broken by a written rule: the panel
// score, then the on-time resolution rate, then a deterministic draw from the evaluation's seed.

export interface Rankable {
  unitId: string;
  total: number;
  panelScore: number | null;
  onTimeRate: number | null;
  vetoed: boolean;
}

export type Outcome = 'commended' | 'criticised' | null;

export const COMMENDED_PER_SERIES = 3;

function tieKey(seed: string, unitId: string): string {
  return createHmac('sha256', Buffer.from(`tie:${seed}`, 'utf8')).update(unitId).digest('hex');
}

/**
 * The series in rank order with outcomes: the top 3 not vetoed are commended (通报表扬, 流动红旗);
 * the last is criticised (全县通报批评). A vetoed unit (一票否决) cannot be commended and ranks
 * last (several vetoed: by their score among themselves).
 */
export function rankSeries<T extends Rankable>(units: readonly T[], seed: string): (T & { rank: number; outcome: Outcome })[] {
  const cmp = (a: T, b: T) =>
    Number(a.vetoed) - Number(b.vetoed) ||
    b.total - a.total ||
    (b.panelScore ?? -1) - (a.panelScore ?? -1) ||
    (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
    byCodeUnits(tieKey(seed, a.unitId), tieKey(seed, b.unitId));
  const sorted = [...units].sort(cmp);
  let commended = 0;
  return sorted.map((u, i) => {
    let outcome: Outcome = null;
    if (i === sorted.length - 1 && sorted.length > 1) outcome = 'criticised';
    else if (!u.vetoed && commended < COMMENDED_PER_SERIES) {
      outcome = 'commended';
      commended++;
    }
    return { ...u, rank: i + 1, outcome };
  });
}
