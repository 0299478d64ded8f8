// The sanction ladder across years (一年倒数作书面检查、两年倒数荧屏曝光、三年倒数摘掉乌纱帽),
// a plain function: consecutive last places of the same unit within the rule period.

export type Sanction = 'written' | 'televised' | 'resignation';

export interface RulePeriod {
  /** First and last year the rules hold (the seed's 五年不变: five years by default). */
  from: number;
  to: number;
}

/**
 * The sanction a unit gets for `year`, from the years it came last (evaluations and last places
 * entered by hand for years before the system): 1 year running → a written self-criticism (书面检查),
 * 2 → a televised self-criticism (电视检查), 3 or more → the head resigns (主动辞职), and for a
 * vertically managed unit the superior authority is informed. A year not last breaks the run; only
 * years within the rule period count.
 */
export function sanctionFor(lastYears: readonly number[], year: number, period: RulePeriod, vertical: boolean): { consecutive: number; sanction: Sanction | null; reportToSuperior: boolean } {
  const last = new Set(lastYears);
  if (!last.has(year) || year < period.from || year > period.to) return { consecutive: 0, sanction: null, reportToSuperior: false };
  let consecutive = 0;
  for (let y = year; y >= period.from && last.has(y); y--) consecutive++;
  const sanction: Sanction = consecutive >= 3 ? 'resignation' : consecutive === 2 ? 'televised' : 'written';
  return { consecutive, sanction, reportToSuperior: sanction === 'resignation' && vertical };
}
