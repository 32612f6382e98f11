import type { SymmetricOperator } from './operator.js';

/**
 * MINRES (Paige & Saunders 1975) for A x = b with A symmetric and possibly indefinite or singular:
 * the Lanczos process on b, and at step k the x in the Krylov space K_k(A, b) that minimizes
 * ‖b − A x‖₂, updated by Givens rotations of the tridiagonal (the unpreconditioned recurrence of
 * SciPy's and Choi–Paige–Saunders' MINRES, started from x₀ = 0). Unlike CG it neither needs nor
 * assumes A ≻ 0, so it solves the Newton system (H + λI) s = g at a saddle. One product a step,
 * seven vectors of memory.
 *
 * The residual norm the recurrence carries (φ̄_k) is exact in exact arithmetic and is what the
 * stopping test reads; rounding makes it drift from ‖b − A x_k‖ by O(ε κ ‖b‖), well below any
 * tolerance we use (tested against the true residual).
 */
export type MinresStatus =
  /** ‖r‖ ≤ rtol ‖b‖. */
  | 'converged'
  /** β_{k+1} = 0: the Krylov space is invariant, x is the exact solution there (b = 0 included). */
  | 'invariant'
  /** maxIter reached first. */
  | 'max_iter'
  /** The rotated diagonal γ_k vanished: A is singular on the Krylov space and b is not in its range. */
  | 'singular';

export interface MinresResult {
  readonly x: Float64Array;
  readonly status: MinresStatus;
  /** Products with A performed (= iterations). */
  readonly iterations: number;
  /** ‖b − A x‖ / ‖b‖ as the recurrence carries it (0 when b = 0). */
  readonly relResidual: number;
}

export interface MinresOptions {
  /** Stop when ‖b − A x‖ ≤ rtol ‖b‖. */
  readonly rtol: number;
  /** Cap on iterations (products with A). */
  readonly maxIter: number;
}

export function minres(a: SymmetricOperator, b: Float64Array, opts: MinresOptions): MinresResult {
  const n = a.dim;
  if (b.length !== n) throw new RangeError(`minres: right-hand side has ${b.length} entries, expected ${n}`);
  const x = new Float64Array(n);
  let beta1 = 0;
  for (let i = 0; i < n; i++) beta1 += b[i] * b[i];
  beta1 = Math.sqrt(beta1);
  if (beta1 === 0) return { x, status: 'invariant', iterations: 0, relResidual: 0 };
  let v = new Float64Array(n);
  let vPrev = new Float64Array(n);
  let p = new Float64Array(n);
  let w = new Float64Array(n); // w_{k−1}
  let w1 = new Float64Array(n); // w_{k−2}
  for (let i = 0; i < n; i++) v[i] = b[i] / beta1;
  let betaPrev = 0;
  // Givens state: the previous rotation (cs, sn), the pending entries δ̄ and ε of the next column.
  let cs = -1;
  let sn = 0;
  let dbar = 0;
  let epsln = 0;
  let phibar = beta1;
  let k = 0;
  let status: MinresStatus = 'max_iter';
  while (k < opts.maxIter) {
    k++;
    // Lanczos: β_{k+1} v_{k+1} = A v_k − α_k v_k − β_k v_{k−1}.
    a.apply(v, p);
    let alpha = 0;
    for (let i = 0; i < n; i++) alpha += v[i] * p[i];
    let beta = 0;
    for (let i = 0; i < n; i++) {
      const y = p[i] - alpha * v[i] - betaPrev * vPrev[i];
      p[i] = y;
      beta += y * y;
    }
    beta = Math.sqrt(beta);
    // Apply the previous rotation to the new column (β_k, α_k, β_{k+1}), then the new rotation.
    const oldeps = epsln;
    const delta = cs * dbar + sn * alpha;
    const gbar = sn * dbar - cs * alpha;
    epsln = sn * beta;
    dbar = -cs * beta;
    const gamma = Math.hypot(gbar, beta);
    if (gamma === 0) {
      status = 'singular';
      break;
    }
    cs = gbar / gamma;
    sn = beta / gamma;
    const phi = cs * phibar;
    phibar = sn * phibar;
    // w_k = (v_k − ε_k w_{k−2} − δ_k w_{k−1}) / γ_k, into the buffer of w_{k−2}; x += φ_k w_k.
    for (let i = 0; i < n; i++) {
      const wi = (v[i] - oldeps * w1[i] - delta * w[i]) / gamma;
      w1[i] = wi;
      x[i] += phi * wi;
    }
    [w, w1] = [w1, w];
    if (phibar <= opts.rtol * beta1) {
      status = 'converged';
      break;
    }
    if (beta === 0) {
      status = 'invariant';
      break;
    }
    // Rotate the Lanczos buffers: v_{k+1} = p / β_{k+1}.
    const t = vPrev;
    vPrev = v;
    v = p;
    p = t;
    for (let i = 0; i < n; i++) v[i] /= beta;
    betaPrev = beta;
  }
  return { x, status, iterations: k, relResidual: phibar / beta1 };
}
