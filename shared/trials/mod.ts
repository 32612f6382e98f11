/**
 * Random-Hessian trials (paper §4, Eq. 13, and issue #6): how often is a random symmetric matrix
 * definite, what is its index, what is its eigenvalue density?
 *
 * Run a batch:
 *   runTrialBatch({ key: [studySeed], ensemble: 'goe', n: 480, trials: 10_000, firstTrial: 0,
 *                   method: 'census' | 'index', model: 'dense' | 'tridiagonal',
 *                   singularTol?, histogram?: { bins, range: [lo, hi] } })  →  TrialBatchResult
 * `HessianTrialsParams` (zod, strict) validates everything but `key`. A trial's matrix depends only on
 * (key, ensemble, model, n, trial index): split a study point's trials into batches by firstTrial
 * ranges under one key and any split (and any worker) gives the same counts.
 *
 * Aggregate and estimate:
 *   sumBatches(results) → TrialTotals (exact integer sums; refuses overlapping trial ranges)
 *   definitenessTable(totals[]) → DefinitenessRow[]: P(definite) with Wilson and Clopper–Pearson
 *     95% intervals, the one-sided upper bound (≈ 3/T when none is seen), the Dean–Majumdar law
 *     2·exp(−(ln 3/4) n²) for goe and the exact value where known (n ≤ 2).
 *   estimateProportion(count, total, level?) for any other proportion (e.g. one index value).
 *   semicircleBinProbabilities(ensemble, edges) to set an eigenvalue histogram against Wigner's law.
 *
 * Methods: `census` stops each trial at the first pivot of the wrong sign (bordered LDLᵀ of the
 * lazily drawn dense matrix, or the Sturm recurrence of the tridiagonal model); `index` computes the
 * full inertia (Bunch–Kaufman LDLᵀ, or a Sturm count) and the index histogram. Neither computes
 * eigenvalues; only `histogram` does (dense: shared/linalg eigSym; tridiagonal: Sturm counts at the
 * bin edges).
 */
export {
  type DefinitenessCounts,
  runTrialBatch,
  type TrialBatchResult,
  type TrialBatchSpec,
} from './batch.js';
export { DEFINITENESS, type Definiteness } from './census.js';
export { ENSEMBLES, type Ensemble, type Model, semicircleRadius } from './ensemble.js';
export { type HessianTrialsInput, HessianTrialsParams, HistogramParams } from './schema.js';
export {
  type EigenvalueHistogram,
  histogramEdges,
  semicircleBinProbabilities,
  semicircleCdf,
  semicircleDensity,
} from './spectrum.js';
export {
  clopperPearson,
  DEAN_MAJUMDAR_THETA,
  type DefinitenessRow,
  deanMajumdarPositiveDefinite,
  definitenessTable,
  estimateProportion,
  exactPositiveDefinite,
  type ProportionEstimate,
  sumBatches,
  TrialAggregationError,
  type TrialTotals,
} from './stats.js';
