import { type Ensemble, semicircleRadius } from './ensemble.js';
import { sturmCount } from './inertia.js';

/**
 * Eigenvalue density: histograms of λ/√n, and Wigner's semicircle law they approach.
 * For the tridiagonal model no eigenvalue is computed: the number in [e, e′) is a difference of
 * Sturm counts at the bin edges, O(n) per edge and exact up to rounding.
 */
export interface HistogramSpec {
  /** Number of equal-width bins. */
  readonly bins: number;
  /** [lo, hi] in units of √n (the semicircle is [−2, 2] for paper, [−√2, √2] for goe). */
  readonly range: readonly [number, number];
}

export interface EigenvalueHistogram {
  /** bins + 1 edges, in units of √n. */
  readonly edges: number[];
  /** Eigenvalues per bin, summed over trials (each trial adds n in all, with below and above). */
  readonly counts: number[];
  readonly below: number;
  readonly above: number;
}

export function histogramEdges(spec: HistogramSpec): number[] {
  const [lo, hi] = spec.range;
  return Array.from({ length: spec.bins + 1 }, (_, b) => lo + ((hi - lo) * b) / spec.bins);
}

/** Accumulates eigenvalue histograms over trials (plain integer counts). */
export class HistogramAccumulator {
  readonly edges: number[];
  readonly counts: number[];
  below = 0;
  above = 0;
  private readonly sqrtN: number;

  constructor(
    spec: HistogramSpec,
    private readonly n: number,
  ) {
    this.edges = histogramEdges(spec);
    this.counts = new Array(spec.bins).fill(0);
    this.sqrtN = Math.sqrt(n);
  }

  /** Adds ascending or unsorted eigenvalues λ (not yet divided by √n). */
  addEigenvalues(values: ArrayLike<number>): void {
    const { edges, counts } = this;
    const lo = edges[0];
    const hi = edges[edges.length - 1];
    const width = (hi - lo) / counts.length;
    for (let i = 0; i < values.length; i++) {
      const x = values[i] / this.sqrtN;
      if (x < lo) this.below++;
      else if (x >= hi) this.above++;
      else counts[Math.min(counts.length - 1, Math.floor((x - lo) / width))]++;
    }
  }

  /** Adds the spectrum of a tridiagonal T by Sturm counts at the edges (bins [e_b, e_{b+1})). */
  addTridiagonal(diag: Float64Array, offSq: Float64Array): void {
    const { edges, counts, n } = this;
    let prev = sturmCount(diag, offSq, n, edges[0] * this.sqrtN);
    this.below += prev;
    for (let b = 0; b < counts.length; b++) {
      const next = sturmCount(diag, offSq, n, edges[b + 1] * this.sqrtN);
      counts[b] += next - prev;
      prev = next;
    }
    this.above += n - prev;
  }

  result(): EigenvalueHistogram {
    return { edges: [...this.edges], counts: [...this.counts], below: this.below, above: this.above };
  }
}

/**
 * Semicircle density of x = λ/√n: ρ(x) = 2√(r² − x²)/(π r²) on [−r, r], r = semicircleRadius.
 */
export function semicircleDensity(ensemble: Ensemble, x: number): number {
  const r = semicircleRadius(ensemble);
  return Math.abs(x) >= r ? 0 : (2 * Math.sqrt(r * r - x * x)) / (Math.PI * r * r);
}

/** Semicircle distribution function: F(x) = ½ + (x√(r² − x²)/r² + arcsin(x/r))/π. */
export function semicircleCdf(ensemble: Ensemble, x: number): number {
  const r = semicircleRadius(ensemble);
  if (x <= -r) return 0;
  if (x >= r) return 1;
  const t = x / r;
  return 0.5 + (t * Math.sqrt(1 - t * t) + Math.asin(t)) / Math.PI;
}

/** The semicircle's probability of each bin [e_b, e_{b+1}): expected counts are n·trials times these. */
export function semicircleBinProbabilities(ensemble: Ensemble, edges: readonly number[]): number[] {
  return edges.slice(1).map((e, b) => semicircleCdf(ensemble, e) - semicircleCdf(ensemble, edges[b]));
}

/**
 * The k-th smallest eigenvalue (k = 0…n−1) of the tridiagonal T by bisection on Sturm counts,
 * inside the Gershgorin bound, to an absolute width tol.
 */
export function tridiagonalEigenvalue(
  diag: Float64Array,
  offSq: Float64Array,
  n: number,
  k: number,
  tol = 1e-12,
): number {
  let bound = 0;
  for (let i = 0; i < n; i++) {
    const left = i > 0 ? Math.sqrt(offSq[i - 1]) : 0;
    const right = i < n - 1 ? Math.sqrt(offSq[i]) : 0;
    bound = Math.max(bound, Math.abs(diag[i]) + left + right);
  }
  let lo = -bound - 1;
  let hi = bound + 1;
  // Invariant: count(lo) ≤ k < count(hi), i.e. λ_k ∈ [lo, hi).
  while (hi - lo > tol * Math.max(1, Math.abs(lo), Math.abs(hi))) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (sturmCount(diag, offSq, n, mid) > k) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}
