import type { EvaluationFields } from './evaluation.models';

/** An evaluation as the API shows it: never the ballots, never who rated what. */
export function evaluationJson(e: EvaluationFields) {
  const draw = e.draws?.at(-1);
  return {
    id: String(e._id),
    year: e.year,
    name: e.name,
    state: e.state,
    rules: e.rules,
    rulesFrozenAt: e.rulesFrozenAt ?? null,
    rulePeriod: e.rulePeriod,
    snapshotHash: e.snapshotHash ?? null,
    draw: draw ? { n: draw.n, at: draw.at, seed: draw.seed, reason: draw.reason ?? null, panel: draw.panel.length } : null,
    draws: e.draws?.length ?? 0,
    vetoes: (e.vetoes ?? []).map((v) => ({ unitId: String(v.unitId), reason: v.reason, evidence: v.evidence, at: v.at })),
    closedAt: e.closedAt ?? null,
    publishedAt: e.publishedAt ?? null,
  };
}

/** GET /evaluations/{id}/results: per series, the ranking with every component, outcome and sanction. */
export function resultsJson(e: EvaluationFields) {
  return {
    id: String(e._id),
    year: e.year,
    state: e.state,
    series: e.results.map((s) => ({
      code: s.code,
      ranking: s.ranking.map((r) => ({
        unitId: String(r.unitId),
        unitCode: r.unitCode,
        rank: r.rank,
        total: r.total,
        panelScore: r.panelScore ?? null,
        handlingScore: r.handlingScore,
        handlingFromMean: !!r.handlingFromMean,
        ballots: r.ballots,
        flags: r.flags ?? [],
        outcome: (r.outcome ?? null) as 'commended' | 'criticised' | null,
        sanction: (r.sanction ?? null) as 'written' | 'televised' | 'resignation' | null,
        consecutive: r.consecutive ?? 0,
        reportToSuperior: !!r.reportToSuperior,
        vetoed: !!r.vetoed,
        headName: r.headName ?? null,
        components: r.components ?? null,
      })),
    })),
  };
}
