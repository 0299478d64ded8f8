import type { EvaluationFields } from './evaluation.models';
import { toCsv, toXlsx, type Cell, type Sheet } from '../platform/tabular';

const HEADER = ['系列 Series', '名次 Rank', '单位代码 Unit code', '单位 Unit', '总分 Total', '群众评议 Panel', '办件 Handling', '有效票 Valid votes', '标记 Flags', '结果 Outcome', '处理 Sanction', '连续末位 Consecutive'];

function rows(e: EvaluationFields, seriesCode?: string): Cell[][] {
  return e.results
    .filter((s) => !seriesCode || s.code === seriesCode)
    .flatMap((s) => {
      const units = e.series.find((x) => x.code === s.code)?.units ?? [];
      return s.ranking.map((r) => [s.code, r.rank, r.unitCode, units.find((u) => String(u.unitId) === String(r.unitId))?.nameZh ?? '', r.total, r.panelScore ?? null, r.handlingScore, r.ballots, (r.flags ?? []).join(' '), r.outcome ?? '', r.sanction ?? '', r.consecutive ?? 0] as Cell[]);
    });
}

/** The published results as CSV: one row per unit, scores as numbers. */
export function resultsCsv(e: EvaluationFields): string {
  return toCsv(HEADER, rows(e));
}

/** The published results as XLSX: one sheet per series. */
export function resultsXlsx(e: EvaluationFields, at: Date): Promise<Buffer> {
  const sheets: Sheet[] = e.results.map((s) => ({ name: `${e.year} ${s.code}`, columns: HEADER.map((h) => ({ header: h, width: h.startsWith('单位 ') ? 24 : 12 })), rows: rows(e, s.code!) }));
  return toXlsx(sheets, at);
}
