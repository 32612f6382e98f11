import { dot } from '../linalg/vector.js';
import type { Objective } from '../problems/objective.js';
import { StepFailure } from './types.js';

/**
 * Armijo backtracking along x − t d (d a descent direction: slope = gᵀd > 0).
 * Returns the first t = t₀/2ᵏ with L(x − t d) ≤ L(x) − c₁ t gᵀd, or the last tried t after 40 halvings
 * (t₀·2⁻⁴⁰: the step is then below float64 resolution of x and the driver's tolerance decides).
 */
export function backtrack(
  f: Objective,
  x: Float64Array,
  value: number,
  d: Float64Array,
  slope: number,
  t0: number,
  c1 = 1e-4,
): number {
  const n = x.length;
  const trial = new Float64Array(n);
  let t = t0;
  for (let k = 0; k < 40; k++) {
    for (let i = 0; i < n; i++) trial[i] = x[i] - t * d[i];
    const v = f.value(trial);
    if (Number.isFinite(v) && v <= value - c1 * t * slope) return t;
    t /= 2;
  }
  return t;
}

export interface WolfePoint {
  readonly t: number;
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
}

/**
 * Line search for the strong Wolfe conditions along x + t p (Nocedal & Wright, Algorithms 3.5 and 3.6,
 * with cubic interpolation in the zoom). The curvature condition |φ′(t)| ≤ c₂|φ′(0)| guarantees
 * yᵀs > 0, so BFGS's inverse-Hessian approximation stays positive definite.
 */
export function strongWolfe(
  f: Objective,
  x: Float64Array,
  value: number,
  gradient: Float64Array,
  p: Float64Array,
  t0 = 1,
  c1 = 1e-4,
  c2 = 0.9,
  maxEvals = 40,
): WolfePoint {
  const n = x.length;
  const dphi0 = dot(gradient, p);
  if (!(dphi0 < 0)) throw new StepFailure('line search: not a descent direction', 'error');
  let evals = 0;
  interface Pt extends WolfePoint {
    readonly slope: number;
  }
  const at = (t: number): Pt => {
    evals++;
    const xt: Float64Array = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = x[i] + t * p[i];
    const e = f.evaluate(xt);
    return { t, x: xt, value: e.value, gradient: e.gradient, slope: dot(e.gradient, p) };
  };
  const zoom = (lo: Pt, hi: Pt): WolfePoint => {
    while (evals < maxEvals) {
      const t = cubicMin(lo, hi);
      const cur = at(t);
      if (!Number.isFinite(cur.value) || cur.value > value + c1 * t * dphi0 || cur.value >= lo.value)
        hi = cur;
      else {
        if (Math.abs(cur.slope) <= -c2 * dphi0) return cur;
        if (cur.slope * (hi.t - lo.t) >= 0) hi = lo;
        lo = cur;
      }
      if (Math.abs(hi.t - lo.t) < 1e-16 * Math.max(1, lo.t)) break;
    }
    // The interval collapsed or the budget ran out: accept lo if it decreased the value at all.
    if (lo.t > 0 && lo.value < value) return lo;
    throw new StepFailure('line search: no point satisfying the Wolfe conditions', 'error');
  };
  let prev: Pt = { t: 0, x, value, gradient, slope: dphi0 };
  let t = t0;
  for (let i = 0; evals < maxEvals; i++) {
    const cur = at(t);
    if (
      !Number.isFinite(cur.value) ||
      cur.value > value + c1 * t * dphi0 ||
      (i > 0 && cur.value >= prev.value)
    )
      return zoom(prev, cur);
    if (Math.abs(cur.slope) <= -c2 * dphi0) return cur;
    if (cur.slope >= 0) return zoom(cur, prev);
    prev = cur;
    t *= 2;
  }
  throw new StepFailure('line search: evaluation budget exhausted', 'error');
}

/** Minimizer of the cubic through (t, φ, φ′) at both ends, kept inside the middle 80% of the interval. */
function cubicMin(
  a: { t: number; value: number; slope: number },
  b: { t: number; value: number; slope: number },
): number {
  const lo = Math.min(a.t, b.t);
  const hi = Math.max(a.t, b.t);
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.t - b.t);
  const disc = d1 * d1 - a.slope * b.slope;
  let t = Number.NaN;
  if (disc >= 0) {
    const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
    t = b.t - ((b.t - a.t) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  }
  // Safeguard: a non-finite or boundary-hugging interpolant falls back to bisection.
  const margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) t = 0.5 * (lo + hi);
  return t;
}
