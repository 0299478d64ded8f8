// The monthly three-rate ranking (三率排名) of one series: plain function, no database.
// Composite = the mean of the unit's three rates that have a denominator (response = on-time
// signing, on-time resolution, satisfaction; see README "Monthly three-rate ranking"). Order:
// composite descending, then more cases first, then unit code. A unit with fewer than `minCases`
// cases received in the month is not ranked (rank null, tooFewCases): one case cannot make a unit
// first or last. A unit with enough cases but no rate at all comes after those with a composite.

export interface RankInput {
  unitId: string;
  unitCode: string;
  cases: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
}

export interface RankRow extends RankInput {
  rank: number | null;
  tooFewCases: boolean;
  /** The mean of the rates present; null when none is. */
  composite: number | null;
}

export function composite(u: Pick<RankInput, 'responseRate' | 'resolutionRate' | 'satisfactionRate'>): number | null {
  const rates = [u.responseRate, u.resolutionRate, u.satisfactionRate].filter((r): r is number => r !== null);
  return rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
}

// Rates are ratios of small whole numbers: compare them rounded, so 2/3 and 4/6 tie.
const key = (x: number | null) => (x === null ? -1 : Math.round(x * 1e9));

export function rankSeries(units: readonly RankInput[], minCases: number): RankRow[] {
  const rows = units.map((u) => ({ ...u, composite: composite(u), tooFewCases: u.cases < minCases, rank: null as number | null }));
  const ranked = rows
    .filter((r) => !r.tooFewCases)
    .sort((a, b) => key(b.composite) - key(a.composite) || b.cases - a.cases || a.unitCode.localeCompare(b.unitCode));
  // Equal composite and equal cases share a rank (1, 1, 3).
  ranked.forEach((r, i) => {
    const prev = ranked[i - 1];
    r.rank = prev && key(prev.composite) === key(r.composite) && prev.cases === r.cases ? prev.rank : i + 1;
  });
  const unranked = rows.filter((r) => r.tooFewCases).sort((a, b) => a.unitCode.localeCompare(b.unitCode));
  return [...ranked, ...unranked];
}
