import type { SymmetricOperator } from './operator.js';
import { qlVectors } from './tridiagonal-ql.js';

/**
 * The Lanczos process with full reorthogonalization: k products with A give the tridiagonal
 * T_k = Q_kᵀ A Q_k (α on the diagonal, β below it) of an orthonormal basis Q_k of the Krylov space
 * K_k(A, q₁). Every new vector is orthogonalized against all earlier ones twice (classical
 * Gram–Schmidt, "twice is enough"), so T's eigenvalues (Ritz values) are Rayleigh quotients of
 * orthonormal vectors and no spurious copies appear: k × n doubles of memory, which is what bounds
 * k (PyHessian and curvlinops reorthogonalize the same way for their spectra).
 */
export interface LanczosTridiagonal {
  /** Steps taken (≤ the requested k: fewer when the Krylov space became invariant). */
  readonly steps: number;
  /** Diagonal α₁ … α_k. */
  readonly alpha: Float64Array;
  /** Subdiagonal β₂ … β_k, and β_{k+1} (the coupling to the next vector) last. */
  readonly beta: Float64Array;
  /** Q_k, steps × n row-major: row j is the j-th Lanczos vector. */
  readonly basis: Float64Array;
}

export function lanczos(a: SymmetricOperator, start: Float64Array, k: number): LanczosTridiagonal {
  const n = a.dim;
  if (start.length !== n)
    throw new RangeError(`lanczos: start vector has ${start.length} entries, expected ${n}`);
  const steps = Math.min(k, n);
  const Q = new Float64Array(steps * n);
  const alpha = new Float64Array(steps);
  const beta = new Float64Array(steps);
  let s = 0;
  for (let i = 0; i < n; i++) s += start[i] * start[i];
  s = Math.sqrt(s);
  if (!(s > 0)) throw new RangeError('lanczos: the start vector is zero');
  for (let i = 0; i < n; i++) Q[i] = start[i] / s;
  const p = new Float64Array(n);
  let scale = 0;
  for (let j = 0; j < steps; j++) {
    const q = Q.subarray(j * n, (j + 1) * n);
    a.apply(q, p);
    let aj = 0;
    for (let i = 0; i < n; i++) aj += q[i] * p[i];
    alpha[j] = aj;
    // Against every earlier vector, twice (this also removes α_j q_j and β_j q_{j−1}).
    for (let pass = 0; pass < 2; pass++)
      for (let m = 0; m <= j; m++) {
        const qm = Q.subarray(m * n, (m + 1) * n);
        let c = 0;
        for (let i = 0; i < n; i++) c += qm[i] * p[i];
        for (let i = 0; i < n; i++) p[i] -= c * qm[i];
      }
    let b = 0;
    for (let i = 0; i < n; i++) b += p[i] * p[i];
    b = Math.sqrt(b);
    beta[j] = b;
    scale = Math.max(scale, Math.abs(aj) + b + (j > 0 ? beta[j - 1] : 0));
    // Invariant subspace: the next vector would be rounding noise of size ε‖A‖; T_j is exact.
    if (b <= 2 ** -52 * n * scale) {
      beta[j] = 0;
      return {
        steps: j + 1,
        alpha: alpha.slice(0, j + 1),
        beta: beta.slice(0, j + 1),
        basis: Q.subarray(0, (j + 1) * n),
      };
    }
    if (j + 1 < steps) {
      const next = Q.subarray((j + 1) * n, (j + 2) * n);
      for (let i = 0; i < n; i++) next[i] = p[i] / b;
    }
  }
  return { steps, alpha, beta, basis: Q };
}

/** Eigenpairs of T_k: Ritz values θ (ascending) and, per θ_j, the first and last entries of its unit eigenvector. */
export interface RitzPairs {
  readonly values: Float64Array;
  /** s_{1j}: squared, the Gauss quadrature weight of θ_j for the start vector (slq.ts). */
  readonly first: Float64Array;
  /**
   * ‖A y_j − θ_j y_j‖ = β_{k+1} |s_{kj}| for the Ritz vector y_j = Q_k s_j: some eigenvalue of A
   * lies within it of θ_j (exact with full reorthogonalization, up to rounding).
   */
  readonly residual: Float64Array;
  /** T's unit eigenvectors, k × k row-major, column j for values[j]. */
  readonly vectors: Float64Array;
}

export function ritzPairs(t: LanczosTridiagonal): RitzPairs {
  const k = t.steps;
  const d = Float64Array.from(t.alpha);
  const e = new Float64Array(k);
  for (let j = 0; j + 1 < k; j++) e[j] = t.beta[j];
  const z = new Float64Array(k * k);
  for (let j = 0; j < k; j++) z[j * k + j] = 1;
  qlVectors(d, e, k, z, k, k);
  const order = Int32Array.from({ length: k }, (_, j) => j).sort((i, j) => d[i] - d[j] || i - j);
  const bk = t.beta[k - 1];
  return {
    values: Float64Array.from(order, (j) => d[j]),
    first: Float64Array.from(order, (j) => z[j]),
    residual: Float64Array.from(order, (j) => Math.abs(bk * z[(k - 1) * k + j])),
    vectors: Float64Array.from({ length: k * k }, (_, i) => z[Math.floor(i / k) * k + order[i % k]]),
  };
}

/**
 * The extreme eigenvalues of A by k Lanczos steps from `start`: the smallest and largest Ritz
 * values and their residual bounds. θ_min ≥ λ_min and θ_max ≤ λ_max always (Rayleigh quotients);
 * an eigenvalue lies within the residual of each.
 */
export function lanczosExtremes(a: SymmetricOperator, start: Float64Array, k: number) {
  const t = lanczos(a, start, k);
  const r = ritzPairs(t);
  const last = t.steps - 1;
  return {
    steps: t.steps,
    min: r.values[0],
    minResidual: r.residual[0],
    max: r.values[last],
    maxResidual: r.residual[last],
    ritz: r,
  };
}
