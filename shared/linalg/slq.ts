import type { Stream } from '../rng/stream.js';
import { lanczos, ritzPairs } from './lanczos.js';
import type { SymmetricOperator } from './operator.js';

/**
 * Stochastic Lanczos quadrature (Golub & Meurant; Lin, Saad & Yang 2016; Ghorbani et al. 2019 and
 * PyHessian for network Hessians): the spectral measure μ = (1/n) Σ_i δ(t − λ_i) of A is estimated
 * by m Rademacher probes z, each giving a k-point Gauss quadrature of zᵀ f(A) z / n from k Lanczos
 * steps on z (nodes θ_j, weights s_{1j}²). The eigenvalue counts are n·μ of negative, near-zero and
 * positive nodes.
 *
 * Near zero means |θ_j| ≤ cut + r_j, with r_j the node's residual bound (lanczos.ts: an eigenvalue
 * lies within r_j of θ_j). Interior Ritz values converge slowly: a node standing for a cluster of
 * eigenvalues at 0 sits at 10⁻⁵…10⁻² after tens of steps, far beyond a relative cut of 10⁻⁶, and
 * the plain rule |θ_j| ≤ cut counted the whole cluster as one sign (measured: 0 of 60 zero
 * eigenvalues found at k = 25…60, test/shared/linalg-krylov.test.ts's spectrum). So `zero` is the
 * count SLQ cannot tell from zero at its resolution, which shrinks to the true one as k grows.
 *
 * Error: for one probe, zᵀ 1_I(A) z has mean #I and variance 2 Σ_{p≠q} (1_I(A))_{pq}² ≤ 2·#I
 * (Hutchinson with Rademacher z); `stdErr` is the sample standard error over the probes, which
 * estimates that. It does not include the quadrature's bias (unresolved nodes near ±cut, which
 * the residual rule moves into `zero`).
 */
export interface SpectralDensity {
  readonly probes: number;
  /** Lanczos steps of each probe (≤ k: fewer when its Krylov space became invariant). */
  readonly perProbe: readonly number[];
  /** Nodes of all probes, probe after probe (perProbe[p] each). */
  readonly nodes: Float64Array;
  /** Their weights, summing to 1 over all probes together (each probe's sum to 1/m). */
  readonly weights: Float64Array;
  /** Their residual bounds. */
  readonly residuals: Float64Array;
}

export interface EstimatedCounts {
  readonly negative: number;
  readonly zero: number;
  readonly positive: number;
  /** Standard errors of the three counts over the probes. */
  readonly stdErr: { readonly negative: number; readonly zero: number; readonly positive: number };
}

/** z ∈ {−1, +1}ⁿ from the stream, one uniform a coordinate. */
export function rademacher(rng: Stream, n: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.uniform() < 0.5 ? -1 : 1;
  return z;
}

export function slq(a: SymmetricOperator, rng: Stream, probes: number, k: number): SpectralDensity {
  const nodes: number[] = [];
  const weights: number[] = [];
  const residuals: number[] = [];
  const perProbe: number[] = [];
  for (let p = 0; p < probes; p++) {
    const t = lanczos(a, rademacher(rng, a.dim), k);
    const r = ritzPairs(t);
    perProbe.push(t.steps);
    for (let j = 0; j < t.steps; j++) {
      nodes.push(r.values[j]);
      weights.push((r.first[j] * r.first[j]) / probes);
      residuals.push(r.residual[j]);
    }
  }
  return {
    probes,
    perProbe,
    nodes: Float64Array.from(nodes),
    weights: Float64Array.from(weights),
    residuals: Float64Array.from(residuals),
  };
}

/** The estimated negative, near-zero and positive counts and their standard errors over the probes. */
export function slqCounts(d: SpectralDensity, n: number, cut: number): EstimatedCounts {
  const m = d.probes;
  const per = { negative: [] as number[], zero: [] as number[], positive: [] as number[] };
  let o = 0;
  for (const steps of d.perProbe) {
    let neg = 0;
    let zer = 0;
    let pos = 0;
    for (let j = o; j < o + steps; j++) {
      const w = d.weights[j] * m * n; // this probe's estimate of the count
      const theta = d.nodes[j];
      if (Math.abs(theta) <= cut + d.residuals[j]) zer += w;
      else if (theta < 0) neg += w;
      else pos += w;
    }
    per.negative.push(neg);
    per.zero.push(zer);
    per.positive.push(pos);
    o += steps;
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const se = (xs: number[]) => {
    if (xs.length < 2) return Number.NaN;
    const mu = mean(xs);
    return Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1) / xs.length);
  };
  return {
    negative: mean(per.negative),
    zero: mean(per.zero),
    positive: mean(per.positive),
    stdErr: { negative: se(per.negative), zero: se(per.zero), positive: se(per.positive) },
  };
}

/**
 * The density smoothed by a Gaussian of width σ on a grid (PyHessian's figure): Σ_j w_j N(t; θ_j, σ²).
 * Integrates to 1 over ℝ.
 */
export function smoothedDensity(d: SpectralDensity, grid: Float64Array, sigma: number): Float64Array {
  const out = new Float64Array(grid.length);
  const c = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < grid.length; g++) {
    let s = 0;
    for (let j = 0; j < d.nodes.length; j++)
      s += d.weights[j] * Math.exp(-0.5 * ((grid[g] - d.nodes[j]) / sigma) ** 2);
    out[g] = c * s;
  }
  return out;
}
