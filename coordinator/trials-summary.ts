import type { TrialsRow } from '../shared/study/result.js';
import type { TrialBatchResult } from '../shared/trials/batch.js';
import {
  type DefinitenessRow,
  definitenessTable,
  sumBatches,
  type TrialTotals,
} from '../shared/trials/stats.js';

/** A `trials` row back in the shape shared/trials aggregates. */
function asBatch(r: TrialsRow): TrialBatchResult {
  return {
    ensemble: r.ensemble,
    model: r.model,
    method: r.method,
    n: r.n,
    firstTrial: r.first_trial,
    trials: r.trials,
    singularTol: r.singular_tol,
    key: r.key,
    counts: {
      positiveDefinite: r.positive_definite,
      negativeDefinite: r.negative_definite,
      indefinite: r.indefinite,
      singular: r.singular,
    },
    indexHistogram: r.index_histogram ? Array.from(r.index_histogram) : null,
    eigenvalueHistogram:
      r.eig_hist_edges && r.eig_hist_counts
        ? {
            edges: Array.from(r.eig_hist_edges),
            counts: Array.from(r.eig_hist_counts),
            below: r.eig_hist_below ?? 0,
            above: r.eig_hist_above ?? 0,
          }
        : null,
  };
}

/** P(definite) per (ensemble, model, n), batches summed exactly (shared/trials/stats). Failed batches are left out. */
export function summarizeTrials(rows: Iterable<TrialsRow>): DefinitenessRow[] {
  return definitenessTable(trialTotals(rows));
}

/** The batches of each (ensemble, model, n) summed, with their index and eigenvalue histograms. */
export function trialTotals(rows: Iterable<TrialsRow>): TrialTotals[] {
  const points = new Map<string, TrialBatchResult[]>();
  for (const r of rows) {
    if (r.message) continue;
    const k = `${r.ensemble} ${r.model} ${r.n}`;
    const g = points.get(k);
    if (g) g.push(asBatch(r));
    else points.set(k, [asBatch(r)]);
  }
  return [...points.values()].map(sumBatches);
}

const g = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(2) : x.toFixed(4));

export function formatTrialsSummary(rows: readonly DefinitenessRow[]): string {
  const head = [
    'ensemble',
    'model',
    'n',
    'trials',
    'pos. def.',
    'neg. def.',
    'indefinite',
    'singular',
    'P(definite) [95% Wilson]',
    '95% upper',
    'exact',
    'Dean–Majumdar',
  ];
  const body = rows.map((r) => [
    r.ensemble,
    r.model,
    String(r.n),
    String(r.trials),
    String(r.positiveDefinite),
    String(r.negativeDefinite),
    String(r.indefinite),
    String(r.singular),
    `${g(r.definite.estimate)} [${g(r.definite.wilson[0])}, ${g(r.definite.wilson[1])}]`,
    g(r.definite.upper),
    r.exact === null ? '—' : g(r.exact),
    r.deanMajumdar === null ? '—' : g(r.deanMajumdar),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, j) => Math.max(...all.map((l) => l[j].length)));
  return [
    ...all.map((l) =>
      l
        .map((c, j) => c.padEnd(widths[j]))
        .join('  ')
        .trimEnd(),
    ),
    'P(definite) = P(positive or negative definite); 95% upper: one-sided Clopper–Pearson bound; exact: known closed forms (n ≤ 2); Dean–Majumdar: 2·exp(−(ln 3/4) n²) (GOE, leading order).',
  ].join('\n');
}
