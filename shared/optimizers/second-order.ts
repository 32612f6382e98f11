import { dot, norm2 } from '../linalg/vector.js';
import type { Objective } from '../problems/objective.js';
import { absoluteEigen, damped } from './curvature.js';
import { backtrack } from './line-search.js';
import { type Optimizer, type OptimizerState, SINGULAR_NEWTON, StepFailure } from './types.js';

export interface SecondOrderState extends OptimizerState {
  /** Exact Hessian at x, n × n row-major. */
  readonly hessian: Float64Array;
}

export interface SecondOrderOptions {
  readonly name: string;
  /** Solves M(H) d = g; null when M(H) is singular. */
  readonly direction: (h: Float64Array, n: number, g: Float64Array) => Float64Array | null;
  /** Relaxation α of the step x ← x − α d (paper Eq. 9). */
  readonly alpha: number;
  /** Halve α until the Armijo condition holds. Only sound when d is a descent direction. */
  readonly backtracking: boolean;
}

function evaluated(f: Objective, x: Float64Array, stepNorm: number): SecondOrderState {
  const e = f.evaluate2(x);
  return { x, value: e.value, gradient: e.gradient, hessian: e.hessian, stepNorm };
}

/** x ← x − α M(H)⁻¹ g, the shared step of Newton and saddle-free Newton. */
export function secondOrder(o: SecondOrderOptions): Optimizer<SecondOrderState> {
  return {
    name: o.name,
    init: (f, x0) => evaluated(f, Float64Array.from(x0), 0),
    step(f, s) {
      const n = f.dim;
      const d = o.direction(s.hessian, n, s.gradient);
      if (d === null) throw new StepFailure(SINGULAR_NEWTON, 'error');
      let alpha = o.alpha;
      if (o.backtracking) alpha = backtrack(f, s.x, s.value, d, dot(s.gradient, d), o.alpha);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = s.x[i] - alpha * d[i];
      return evaluated(f, x, alpha * norm2(d));
    },
  };
}

export function newton(p: { alpha: number; lambda: number }): Optimizer<SecondOrderState> {
  return secondOrder({ name: 'newton', direction: damped(p.lambda), alpha: p.alpha, backtracking: false });
}

export function saddleFreeNewton(p: {
  alpha: number;
  lambda: number;
  floor: number;
  backtracking: boolean;
}): Optimizer<SecondOrderState> {
  return secondOrder({
    name: 'saddle-free-newton',
    direction: absoluteEigen(p.floor, p.lambda),
    alpha: p.alpha,
    backtracking: p.backtracking,
  });
}
