import { lanczos, ritzPairs } from '../linalg/lanczos.js';
import { minres } from '../linalg/minres.js';
import { type SymmetricOperator, shifted } from '../linalg/operator.js';
import { dot, norm2 } from '../linalg/vector.js';
import { hessianOperatorOf } from '../problems/curvature-operator.js';
import type { Objective } from '../problems/objective.js';
import { backtrack } from './line-search.js';
import { type Optimizer, type OptimizerState, SINGULAR_NEWTON, StepFailure } from './types.js';

/**
 * Newton and saddle-free Newton without a dense Hessian: the step solves its system with exact
 * Hessian-vector products (problems/curvature-operator.ts) in a Krylov space, and records the
 * products it took and its final residual (OptimizerState.krylov). With a tight tolerance the
 * iterates are the dense path's (second-order.ts) to that tolerance.
 */
export interface KrylovState extends OptimizerState {
  /** v ↦ H v at x. */
  readonly operator: SymmetricOperator;
  /** Eisenstat–Walker: the forcing term of the step that produced this state (NaN before any). */
  readonly eta: number;
  /** ‖∇L‖ at the previous iterate (NaN at the first). */
  readonly prevGradNorm: number;
}

/** Default tolerance: tight enough that krylov iterates match dense ones (tested at n ≤ 500). */
export const KRYLOV_RTOL = 1e-10;

/**
 * MINRES needs at most n products in exact arithmetic; without reorthogonalization rounding delays
 * it on ill-conditioned systems (measured: 960 products left a residual of 1e-7 at n = 480,
 * λ = 1e-3), so the cap leaves room for 10n.
 */
export const defaultMaxKrylov = (n: number) => Math.min(10 * n, 10_000);

/** Lanczos steps of saddle-free Newton's |H| (Dauphin et al. 2014 used subspaces of this order). */
export const defaultSubspace = (n: number) => Math.min(n, 100);

function evaluated(f: Objective, x: Float64Array, stepNorm: number, rest: Partial<KrylovState>): KrylovState {
  // Value and gradient from the linearization's own passes: the same quantities as evaluate()'s to
  // rounding, and at n ≈ 10⁵ an order of magnitude cheaper (GEMMs against per-point loops; the
  // step's cost is in `npm run bench hvp`).
  const op = hessianOperatorOf(f, x);
  return {
    x,
    value: op.value,
    gradient: op.gradient,
    stepNorm,
    operator: op.hessian,
    eta: Number.NaN,
    prevGradNorm: Number.NaN,
    ...rest,
  };
}

/**
 * Eisenstat & Walker (1996), choice 2: η_k = γ (‖g_k‖/‖g_{k−1}‖)^β with γ = 0.9, β = 2, safeguarded
 * by max(η_k, γ η_{k−1}^β) when γ η_{k−1}^β > 0.1 (so η does not drop too fast), capped at 0.9 and
 * never tighter than rtol; the first step uses η₀ = 0.5.
 */
export function eisenstatWalker(
  gradNorm: number,
  prevGradNorm: number,
  prevEta: number,
  rtol: number,
): number {
  const gamma = 0.9;
  const beta = 2;
  if (!Number.isFinite(prevGradNorm) || !Number.isFinite(prevEta)) return Math.max(0.5, rtol);
  let eta = gamma * (gradNorm / prevGradNorm) ** beta;
  const safe = gamma * prevEta ** beta;
  if (safe > 0.1) eta = Math.max(eta, safe);
  return Math.max(rtol, Math.min(eta, 0.9));
}

export interface KrylovNewtonOptions {
  readonly alpha: number;
  readonly lambda: number;
  readonly rtol?: number;
  readonly maxKrylov?: number;
  readonly forcing?: 'eisenstat-walker';
}

/**
 * x ← x − α d, (H + λI) d = g by MINRES to rtol (or the Eisenstat–Walker forcing term). A solve
 * that reaches maxKrylov first is still a step — MINRES's iterate minimizes the residual over the
 * Krylov space so far — and its residual, recorded with it, says how inexact it was.
 */
export function krylovNewton(p: KrylovNewtonOptions): Optimizer<KrylovState> {
  const rtol = p.rtol ?? KRYLOV_RTOL;
  return {
    name: 'newton',
    init: (f, x0) => evaluated(f, Float64Array.from(x0), 0, {}),
    step(f, s) {
      const n = f.dim;
      const gn = norm2(s.gradient);
      const eta = p.forcing ? eisenstatWalker(gn, s.prevGradNorm, s.eta, rtol) : rtol;
      const r = minres(shifted(s.operator, p.lambda), s.gradient, {
        rtol: eta,
        maxIter: p.maxKrylov ?? defaultMaxKrylov(n),
      });
      // The dense path fails on a singular H + λI; MINRES says so when the Krylov space shows it.
      if (r.status === 'singular') throw new StepFailure(SINGULAR_NEWTON, 'error');
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = s.x[i] - p.alpha * r.x[i];
      return evaluated(f, x, p.alpha * norm2(r.x), {
        eta,
        prevGradNorm: gn,
        krylov: { iterations: r.iterations, residual: r.relResidual },
      });
    },
  };
}

export interface KrylovSaddleFreeOptions {
  readonly alpha: number;
  readonly lambda: number;
  readonly floor: number;
  readonly backtracking: boolean;
  readonly maxKrylov?: number;
}

/**
 * Saddle-free Newton in a Krylov subspace (Dauphin et al. 2014, §5): k Lanczos steps from g give
 * H ≈ Q T Qᵀ on K_k(H, g); with T = S Θ Sᵀ the step is d = Q S (max(|Θ|, floor) + λ)⁻¹ Sᵀ Qᵀ g,
 * Qᵀ g = ‖g‖ e₁. When the Krylov space is H-invariant (at most n steps) d is the dense step exactly.
 * The residual recorded is ‖H Q y − Q T y‖/‖g‖ = β_{k+1}|y_k|/‖g‖ for d = Q y: how much of H's
 * action on d the subspace misses (0 when invariant).
 */
export function krylovSaddleFree(p: KrylovSaddleFreeOptions): Optimizer<KrylovState> {
  return {
    name: 'saddle-free-newton',
    init: (f, x0) => evaluated(f, Float64Array.from(x0), 0, {}),
    step(f, s) {
      const n = f.dim;
      const gn = norm2(s.gradient);
      if (gn === 0) throw new StepFailure('zero gradient: no Krylov space to step in', 'error');
      const t = lanczos(s.operator, s.gradient, p.maxKrylov ?? defaultSubspace(n));
      const k = t.steps;
      const r = ritzPairs(t);
      // y = S (max(|Θ|, floor) + λ)⁻¹ Sᵀ (‖g‖ e₁); floor > 0 or λ > 0 keeps the divisor positive.
      const y = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        const c = (gn * r.vectors[j]) / (Math.max(Math.abs(r.values[j]), p.floor) + p.lambda);
        for (let i = 0; i < k; i++) y[i] += c * r.vectors[i * k + j];
      }
      const d = new Float64Array(n);
      for (let j = 0; j < k; j++) {
        const q = t.basis.subarray(j * n, (j + 1) * n);
        for (let i = 0; i < n; i++) d[i] += y[j] * q[i];
      }
      let alpha = p.alpha;
      if (p.backtracking) alpha = backtrack(f, s.x, s.value, d, dot(s.gradient, d), p.alpha);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = s.x[i] - alpha * d[i];
      return evaluated(f, x, alpha * norm2(d), {
        krylov: { iterations: k, residual: Math.abs(t.beta[k - 1] * y[k - 1]) / gn },
      });
    },
  };
}
