import type { SymmetricOperator } from '../linalg/operator.js';
import type { Stream } from '../rng/stream.js';

/**
 * A twice-differentiable objective L: ℝⁿ → ℝ with exact float64 derivatives.
 * Vectors are Float64Array of length `dim`; the Hessian is dim × dim, row-major, symmetric.
 */
export interface Evaluation {
  readonly value: number;
  readonly gradient: Float64Array;
}

export interface SecondOrderEvaluation extends Evaluation {
  readonly hessian: Float64Array;
}

/** An evaluation whose Hessian is known by its products only. */
export interface SecondOrderOperator extends Evaluation {
  readonly hessian: SymmetricOperator;
}

/**
 * Diagnostics the paper tracks (Rowan 2025, §3): all optional, NaN where not defined.
 * - outputNormRatio: ‖u‖ / ‖f‖ on the integration grid (trivial solution ⇔ ≈ 0).
 * - orthogonality: the paper's orthogonality metric between the normalized basis functions
 *   (or their images under the PDE operator) and the normalized target / forcing.
 * - gradNormInner / gradNormOuter: ‖∂L/∂θ_inner‖ and ‖∂L/∂c‖ (Eq. 7 split).
 */
export interface Diagnostics {
  readonly outputNormRatio: number;
  readonly orthogonality: number;
  readonly gradNormInner: number;
  readonly gradNormOuter: number;
}

export interface Objective {
  /** Problem kind, as in the study spec (`circle`, `torus`, `mlp-regression`, …). */
  readonly kind: string;
  /** Number of parameters n. */
  readonly dim: number;
  value(x: Float64Array): number;
  evaluate(x: Float64Array): Evaluation;
  evaluate2(x: Float64Array): SecondOrderEvaluation;
  /**
   * Value, exact gradient and the exact Hessian as an operator v ↦ H v at x, without forming H
   * (network objectives: nets/hessian-vector.ts). Absent: `hessianOperatorOf` (curvature-operator.ts)
   * wraps the dense Hessian of evaluate2.
   */
  linearize?(x: Float64Array): SecondOrderOperator;
  /** Initial parameters drawn from `rng` (the task's init stream). */
  initial(rng: Stream, seed?: number): Float64Array;
  /** Diagnostics at x; NaN fields where the objective has no such notion. */
  diagnostics(x: Float64Array): Diagnostics;
  /**
   * Name of the known stationary point x sits at (closed-form census, e.g. the torus's 8),
   * or null when unknown or not near any.
   */
  identify?(x: Float64Array): string | null;
  /**
   * For objectives whose stationary points are not classified by their own Hessian (a Lagrangian,
   * whose KKT matrix is always indefinite): the matrix whose eigenvalues classify the point.
   */
  reducedHessian?(x: Float64Array): { matrix: Float64Array; n: number };
  /** For network problems: the learned basis functions on a plot grid (report figures). */
  sampleBasis?(x: Float64Array): BasisSample;
  /** Canonical representative of x (angles reduced modulo 2π), for storage and comparison. */
  canonical?(x: Float64Array): Float64Array;
}

/** Basis functions φ_k, the solution u and the exact solution (or target) on a plot grid. */
export interface BasisSample {
  /** Spatial dimension d. */
  readonly d: number;
  /** Plot points, M × d. */
  readonly grid: Float64Array;
  /** φ_k at the plot points, M × width. */
  readonly basis: Float64Array;
  readonly width: number;
  /** u = Σ_k c_k φ_k, M. */
  readonly u: Float64Array;
  /** The target (regression) or the exact solution (PINN), M. */
  readonly exact: Float64Array;
}

export const NO_DIAGNOSTICS: Diagnostics = Object.freeze({
  outputNormRatio: Number.NaN,
  orthogonality: Number.NaN,
  gradNormInner: Number.NaN,
  gradNormOuter: Number.NaN,
});
