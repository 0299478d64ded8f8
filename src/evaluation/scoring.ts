// The evaluation's score, plain functions: a panel score from the representatives' ballots and a
// handling score from the year's case record, blended by weights. Flags explain, never remove.

export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unknown'] as const;
export type Rating = (typeof RATINGS)[number];

export interface Rules {
  scale: 'three-level' | 'score';
  /** Three-level scale: the points of each rating (不了解 is not a vote). */
  mapping: { satisfied: number; basically_satisfied: number; dissatisfied: number };
  weights: { panel: number; handling: number };
  /** Parts of the handling score (they add up to 1). */
  handlingWeights: { response: number; onTime: number; satisfaction: number };
  /** Points off the handling score per level-3 escalation and per returned report. */
  penalties: { level3: number; returnedReport: number };
  /** Fewer valid votes than this: flagged, and the commission confirms the outcome before publishing. */
  minBallots: number;
  /** Fewer cases than this: the handling score takes the series mean (flagged). */
  minCases: number;
}

export const DEFAULT_RULES: Rules = {
  scale: 'three-level',
  mapping: { satisfied: 100, basically_satisfied: 70, dissatisfied: 30 },
  weights: { panel: 0.7, handling: 0.3 },
  handlingWeights: { response: 0.3, onTime: 0.4, satisfaction: 0.3 },
  penalties: { level3: 2, returnedReport: 1 },
  minBallots: 30,
  minCases: 5,
};

/** A vote for one unit: a rating on the three-level scale, or a score 0-100; null/unknown = 不了解. */
export type Vote = { rating: Rating } | { score: number | null };

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The panel score: the mean of the valid votes (不了解 excluded), 0-100; null with no valid vote. */
export function panelScore(votes: readonly Vote[], rules: Pick<Rules, 'scale' | 'mapping'>): { score: number | null; valid: number } {
  const points: number[] = [];
  for (const v of votes) {
    if ('rating' in v) {
      if (v.rating !== 'unknown') points.push(rules.mapping[v.rating]);
    } else if (v.score !== null && v.score !== undefined) points.push(v.score);
  }
  return { score: points.length ? round2(points.reduce((a, b) => a + b, 0) / points.length) : null, valid: points.length };
}

export interface HandlingInput {
  cases: number;
  /** Rates 0..1 from the unit metrics (null: nothing due). */
  responseRate: number | null;
  onTimeRate: number | null;
  satisfactionRate: number | null;
  level3: number;
  returnedReports: number;
}

/**
 * The handling score, 0-100: the weighted rates minus penalties; a rate with nothing due counts
 * as full (nothing was missed). Null when the unit had too few cases to judge fairly.
 */
export function handlingScore(h: HandlingInput, rules: Pick<Rules, 'handlingWeights' | 'penalties' | 'minCases'>): number | null {
  if (h.cases < rules.minCases) return null;
  const w = rules.handlingWeights;
  const rate = (r: number | null) => (r === null ? 1 : r);
  const base = 100 * (w.response * rate(h.responseRate) + w.onTime * rate(h.onTimeRate) + w.satisfaction * rate(h.satisfactionRate));
  return round2(Math.max(0, Math.min(100, base - rules.penalties.level3 * h.level3 - rules.penalties.returnedReport * h.returnedReports)));
}

export type Flag = 'too_few_ballots' | 'too_few_cases' | 'vetoed' | 'no_votes';

export interface UnitInput {
  unitId: string;
  votes: readonly Vote[];
  handling: HandlingInput;
}

export interface UnitScore {
  unitId: string;
  panelScore: number | null;
  validVotes: number;
  handlingScore: number;
  /** True when the handling score is the series mean (too few cases). */
  handlingFromMean: boolean;
  total: number;
  flags: Flag[];
}

/**
 * Every unit of one series: panel and handling scores, a unit with too few cases taking the series
 * mean handling score (of the units with enough), and the blended total. A unit without any valid
 * vote scores its handling part only (flagged).
 */
export function scoreSeries(units: readonly UnitInput[], rules: Rules): UnitScore[] {
  const own = units.map((u) => ({ u, panel: panelScore(u.votes, rules), handling: handlingScore(u.handling, rules) }));
  const judged = own.filter((x) => x.handling !== null).map((x) => x.handling!);
  const mean = judged.length ? round2(judged.reduce((a, b) => a + b, 0) / judged.length) : 100;
  return own.map(({ u, panel, handling }) => {
    const flags: Flag[] = [];
    if (panel.valid === 0) flags.push('no_votes');
    else if (panel.valid < rules.minBallots) flags.push('too_few_ballots');
    if (handling === null) flags.push('too_few_cases');
    const h = handling ?? mean;
    const total = panel.score === null ? h * rules.weights.handling : panel.score * rules.weights.panel + h * rules.weights.handling;
    return { unitId: u.unitId, panelScore: panel.score, validVotes: panel.valid, handlingScore: h, handlingFromMean: handling === null, total: round2(total), flags };
  });
}
