import { dot, matVec, norm2 } from '../linalg/vector.js';
import type { Objective } from '../problems/objective.js';
import { strongWolfe, type WolfePoint } from './line-search.js';
import type { Optimizer, OptimizerState } from './types.js';

export interface BfgsState extends OptimizerState {
  /** Inverse-Hessian approximation, n × n row-major, positive definite by the Wolfe curvature condition. */
  readonly inverseHessian: Float64Array;
  readonly iteration: number;
}

/** The secant pair of a step: s = x⁺ − x, y = ∇L(x⁺) − ∇L(x), and yᵀs. */
function secantPair(from: OptimizerState, to: WolfePoint) {
  const n = from.x.length;
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = to.x[i] - from.x[i];
    y[i] = to.gradient[i] - from.gradient[i];
  }
  return { s, y, ys: dot(y, s) };
}

function first(f: Objective, x0: Float64Array) {
  const x = Float64Array.from(x0);
  const e = f.evaluate(x);
  return { x, value: e.value, gradient: e.gradient, stepNorm: 0 };
}

/** BFGS with a strong-Wolfe line search (Nocedal & Wright §6.1). */
export function bfgs(): Optimizer<BfgsState> {
  return {
    name: 'bfgs',
    init(f, x0) {
      const h = new Float64Array(f.dim * f.dim);
      for (let i = 0; i < f.dim; i++) h[i * f.dim + i] = 1;
      return { ...first(f, x0), inverseHessian: h, iteration: 0 };
    },
    step(f, s) {
      const n = f.dim;
      const hm = s.inverseHessian;
      // p = −H g (negating the sum is exact: the same bits as subtracting each term).
      const p = matVec(hm, n, s.gradient);
      for (let i = 0; i < n; i++) p[i] = -p[i];
      const w = strongWolfe(f, s.x, s.value, s.gradient, p);
      const { s: sv, y, ys } = secantPair(s, w);
      let h = hm;
      // The Wolfe conditions give yᵀs > 0 in exact arithmetic; skip the update if rounding says otherwise.
      if (ys > 0) {
        h = Float64Array.from(hm);
        // N&W Eq. 6.20: scale H₀ = (yᵀs / yᵀy) I before the first update.
        if (s.iteration === 0) {
          const scale = ys / dot(y, y);
          for (let i = 0; i < n; i++) h[i * n + i] = scale;
        }
        const hy = matVec(h, n, y);
        const rho = 1 / ys;
        const c = rho * rho * dot(y, hy) + rho;
        // H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ = H − ρ (s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ.
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            h[i * n + j] += -rho * (sv[i] * hy[j] + hy[i] * sv[j]) + c * sv[i] * sv[j];
      }
      return {
        x: w.x,
        value: w.value,
        gradient: w.gradient,
        stepNorm: norm2(sv),
        inverseHessian: h,
        iteration: s.iteration + 1,
      };
    },
  };
}

export interface LbfgsState extends OptimizerState {
  /** The last `memory` pairs (s, y, 1/yᵀs), oldest first. */
  readonly pairs: ReadonlyArray<{ s: Float64Array; y: Float64Array; rho: number }>;
}

/** Limited-memory BFGS: two-loop recursion (N&W Algorithm 7.4) with the same strong-Wolfe search. */
export function lbfgs(p: { memory: number }): Optimizer<LbfgsState> {
  return {
    name: 'l-bfgs',
    init: (f, x0) => ({ ...first(f, x0), pairs: [] }),
    step(f, st) {
      const n = f.dim;
      const q = Float64Array.from(st.gradient);
      const a = new Array<number>(st.pairs.length);
      for (let k = st.pairs.length - 1; k >= 0; k--) {
        const { s, y, rho } = st.pairs[k];
        a[k] = rho * dot(s, q);
        for (let i = 0; i < n; i++) q[i] -= a[k] * y[i];
      }
      const last = st.pairs[st.pairs.length - 1];
      const gamma = last ? 1 / (last.rho * dot(last.y, last.y)) : 1;
      for (let i = 0; i < n; i++) q[i] *= gamma;
      for (let k = 0; k < st.pairs.length; k++) {
        const { s, y, rho } = st.pairs[k];
        const b = rho * dot(y, q);
        for (let i = 0; i < n; i++) q[i] += (a[k] - b) * s[i];
      }
      for (let i = 0; i < n; i++) q[i] = -q[i];
      const w = strongWolfe(f, st.x, st.value, st.gradient, q);
      const { s, y, ys } = secantPair(st, w);
      // Keep only curvature pairs with yᵀs > 0, so the implicit inverse Hessian stays positive definite.
      const pairs = ys > 0 ? [...st.pairs, { s, y, rho: 1 / ys }].slice(-p.memory) : st.pairs;
      return { x: w.x, value: w.value, gradient: w.gradient, stepNorm: norm2(s), pairs };
    },
  };
}
