import { wilson } from '../analysis/intervals.js';
import type { DefinitenessCounts, TrialBatchResult } from './batch.js';
import type { Ensemble, Model } from './ensemble.js';
import { betaQuantile, normalQuantile } from './special.js';
import type { EigenvalueHistogram } from './spectrum.js';

/**
 * Aggregation and statistics of `hessian-trials` batches: exact integer sums across batches and
 * workers, binomial intervals for P(definite), and the large-deviation law it is compared with.
 */

export class TrialAggregationError extends Error {
  override readonly name = 'TrialAggregationError';
}

/** A study point's batches summed. All counts are exact integers. */
export interface TrialTotals {
  readonly ensemble: Ensemble;
  readonly model: Model;
  readonly n: number;
  readonly trials: number;
  readonly batches: number;
  /** Key fingerprints that contributed (distinct keys are independent samples of the same law). */
  readonly keys: string[];
  readonly counts: DefinitenessCounts;
  /** Summed over the batches that ran method 'index'; null if none did. */
  readonly indexHistogram: number[] | null;
  /** Trials behind indexHistogram. */
  readonly indexTrials: number;
  /** Summed over the batches that asked for one (same edges required); null if none did. */
  readonly eigenvalueHistogram: EigenvalueHistogram | null;
}

/**
 * Sums batches of one study point (same ensemble, model and n). Throws TrialAggregationError on a
 * mix of points, on overlapping trial ranges under one key (the same matrices counted twice), on
 * histograms with different edges, or if a sum would leave the exactly representable integers.
 */
export function sumBatches(results: readonly TrialBatchResult[]): TrialTotals {
  if (results.length === 0) throw new TrialAggregationError('sumBatches: no batches to sum');
  const { ensemble, model, n } = results[0];
  const counts: DefinitenessCounts = { positiveDefinite: 0, negativeDefinite: 0, indefinite: 0, singular: 0 };
  let index: number[] | null = null;
  let indexTrials = 0;
  let hist: { edges: number[]; counts: number[]; below: number; above: number } | null = null;
  let trials = 0;
  const ranges = new Map<string, Array<[number, number]>>();
  for (const r of results) {
    if (r.ensemble !== ensemble || r.model !== model || r.n !== n) {
      throw new TrialAggregationError(
        `sumBatches: batch (${r.ensemble}, ${r.model}, n = ${r.n}) differs from (${ensemble}, ${model}, n = ${n})`,
      );
    }
    const list = ranges.get(r.key) ?? [];
    list.push([r.firstTrial, r.firstTrial + r.trials]);
    ranges.set(r.key, list);
    trials = add(trials, r.trials);
    for (const c of Object.keys(counts) as Array<keyof DefinitenessCounts>)
      counts[c] = add(counts[c], r.counts[c]);
    if (r.indexHistogram) {
      index ??= new Array<number>(n + 1).fill(0);
      for (let i = 0; i <= n; i++) index[i] = add(index[i], r.indexHistogram[i]);
      indexTrials = add(indexTrials, r.trials);
    }
    const h = r.eigenvalueHistogram;
    if (h) {
      if (!hist)
        hist = {
          edges: [...h.edges],
          counts: new Array<number>(h.counts.length).fill(0),
          below: 0,
          above: 0,
        };
      else if (hist.edges.length !== h.edges.length || hist.edges.some((e, i) => e !== h.edges[i])) {
        throw new TrialAggregationError('sumBatches: eigenvalue histograms with different bin edges');
      }
      for (let b = 0; b < h.counts.length; b++) hist.counts[b] = add(hist.counts[b], h.counts[b]);
      hist.below = add(hist.below, h.below);
      hist.above = add(hist.above, h.above);
    }
  }
  for (const [key, list] of ranges) {
    list.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < list.length; i++) {
      if (list[i][0] < list[i - 1][1]) {
        throw new TrialAggregationError(
          `sumBatches: trials [${list[i][0]}, ${list[i - 1][1]}) of key ${key} are in more than one batch`,
        );
      }
    }
  }
  return {
    ensemble,
    model,
    n,
    trials,
    batches: results.length,
    keys: [...ranges.keys()].sort(),
    counts,
    indexHistogram: index,
    indexTrials,
    eigenvalueHistogram: hist,
  };
}

function add(a: number, b: number): number {
  const s = a + b;
  if (!Number.isSafeInteger(s))
    throw new TrialAggregationError(`sumBatches: count ${s} is not an exact integer`);
  return s;
}

/** A binomial proportion with its intervals. */
export interface ProportionEstimate {
  readonly count: number;
  readonly total: number;
  /** count / total. */
  readonly estimate: number;
  /** Two-sided Wilson score interval at `level`. */
  readonly wilson: readonly [number, number];
  /** Two-sided Clopper–Pearson (exact) interval at `level`: coverage ≥ level for every p. */
  readonly clopperPearson: readonly [number, number];
  /** One-sided Clopper–Pearson upper bound at `level`; for count 0 it is 1 − (1 − level)^(1/total). */
  readonly upper: number;
  /** count 0 only: the rule of three, 3/total (≈ the one-sided 95% bound for large totals). */
  readonly ruleOfThree: number | null;
  readonly level: number;
}

/** Estimates a proportion with Wilson and Clopper–Pearson intervals (level defaults to 95%). */
export function estimateProportion(count: number, total: number, level = 0.95): ProportionEstimate {
  if (!(Number.isInteger(count) && Number.isInteger(total) && total >= 1 && count >= 0 && count <= total)) {
    throw new RangeError(
      `estimateProportion: need integers 0 ≤ count ≤ total, total ≥ 1; got ${count}/${total}`,
    );
  }
  if (!(level > 0 && level < 1))
    throw new RangeError(`estimateProportion: level must be in (0, 1), got ${level}`);
  const alpha = 1 - level;
  const w = wilson(count, total, normalQuantile(1 - alpha / 2));
  return {
    count,
    total,
    estimate: count / total,
    wilson: [w.lo, w.hi],
    clopperPearson: clopperPearson(count, total, alpha / 2),
    upper: clopperPearson(count, total, alpha)[1],
    ruleOfThree: count === 0 ? 3 / total : null,
    level,
  };
}

/**
 * Clopper–Pearson bounds with tail probability `tail` on each side: lower = B⁻¹(tail; x, T − x + 1),
 * upper = B⁻¹(1 − tail; x + 1, T − x); at x = 0 and x = T the closed forms 1 − tail^(1/T), tail^(1/T).
 */
export function clopperPearson(count: number, total: number, tail: number): [number, number] {
  const lo =
    count === 0
      ? 0
      : count === total
        ? Math.exp(Math.log(tail) / total)
        : betaQuantile(tail, count, total - count + 1);
  const hi =
    count === total
      ? 1
      : count === 0
        ? -Math.expm1(Math.log(tail) / total)
        : betaQuantile(1 - tail, count + 1, total - count);
  return [lo, hi];
}

/** θ = ln 3 / 4 of Dean & Majumdar (Phys. Rev. Lett. 97, 160201, 2006) for the GOE (β = 1). */
export const DEAN_MAJUMDAR_THETA = Math.log(3) / 4;

/**
 * The large-deviation law P(a GOE matrix is positive definite) ≈ exp(−θ n²), θ = ln 3 / 4 (Dean &
 * Majumdar 2006). Leading order only: lower-order terms in the exponent make it a poor absolute
 * estimate at small n (n = 2: 0.33 against the exact 0.146), so compare slopes of ln P against n².
 * P(definite) = 2 P(positive definite) by the symmetry A → −A. The paper ensemble is not orthogonally
 * invariant and has no such law.
 */
export function deanMajumdarPositiveDefinite(n: number): number {
  return Math.exp(-DEAN_MAJUMDAR_THETA * n * n);
}

/**
 * Exact P(positive definite) where known: n = 1: ½ (both ensembles). n = 2: write A = xI + [[y, b],
 * [b, −y]] with x = (a₁₁ + a₂₂)/2, y = (a₁₁ − a₂₂)/2; A ≻ 0 iff x > √(y² + b²). For the GOE x, y, b are
 * iid N(0, ½) and this is a circular cone of half-angle 45°: P = (1 − cos 45°)/2 = (2 − √2)/4. For the
 * paper ensemble b has twice the variance, the cone is elliptic, and its solid angle gives
 * P = ½ − (1/4π)∫₀^{2π} √((1 + sin²φ)/(2 + sin²φ)) dφ = 0.1158522491063…, the integral by the
 * trapezoidal rule (exponentially accurate for a smooth periodic integrand; 64 points suffice).
 */
export function exactPositiveDefinite(ensemble: Ensemble, n: number): number | null {
  if (n === 1) return 0.5;
  if (n !== 2) return null;
  if (ensemble === 'goe') return (2 - Math.SQRT2) / 4;
  const m = 64;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const s2 = Math.sin((2 * Math.PI * i) / m) ** 2;
    sum += Math.sqrt((1 + s2) / (2 + s2));
  }
  return 0.5 - sum / m / 2;
}

/** One row of the summary of a sweep: P(definite) at one n, with intervals and the reference laws. */
export interface DefinitenessRow {
  readonly ensemble: Ensemble;
  readonly model: Model;
  readonly n: number;
  readonly trials: number;
  readonly positiveDefinite: number;
  readonly negativeDefinite: number;
  readonly indefinite: number;
  readonly singular: number;
  /** P(positive or negative definite). */
  readonly definite: ProportionEstimate;
  /** goe: 2·exp(−θ n²), the Dean–Majumdar law for P(definite); null for paper. */
  readonly deanMajumdar: number | null;
  /** 2·P(positive definite) where known exactly; else null. */
  readonly exact: number | null;
}

/** Summary rows, one per study point, sorted by ensemble, model and n. */
export function definitenessTable(totals: readonly TrialTotals[], level = 0.95): DefinitenessRow[] {
  return [...totals]
    .sort((a, b) => a.ensemble.localeCompare(b.ensemble) || a.model.localeCompare(b.model) || a.n - b.n)
    .map((t) => {
      const exact = exactPositiveDefinite(t.ensemble, t.n);
      return {
        ensemble: t.ensemble,
        model: t.model,
        n: t.n,
        trials: t.trials,
        ...t.counts,
        definite: estimateProportion(t.counts.positiveDefinite + t.counts.negativeDefinite, t.trials, level),
        deanMajumdar: t.ensemble === 'goe' ? 2 * deanMajumdarPositiveDefinite(t.n) : null,
        exact: exact === null ? null : 2 * exact,
      };
    });
}
