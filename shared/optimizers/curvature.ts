import { eigSym } from '../linalg/eig.js';
import { ldlt } from '../linalg/ldlt.js';

// Curvature models of second-order steps: each turns (H, g) into the direction d that solves
// M(H) d = g. Newton and saddle-free Newton differ only in M, so they compose one step rule
// (second-order.ts) with one of these instead of forking.

/**
 * Levenberg–Marquardt damping (paper Eq. 9): M = H + λI, solved by a symmetric-indefinite LDLᵀ,
 * which unlike Cholesky does not fail at a saddle. Returns null when H + λI is singular.
 */
export function damped(lambda: number): (h: Float64Array, n: number, g: Float64Array) => Float64Array | null {
  return (h, n, g) => {
    const m = h.slice();
    for (let i = 0; i < n; i++) m[i * n + i] += lambda;
    const f = ldlt(m, n);
    return f.singular ? null : f.solve(g);
  };
}

/**
 * Saddle-free Newton (Dauphin et al. 2014): M = |H| + λI = V max(|Λ|, floor) Vᵀ + λI, so negative
 * curvature directions are stepped down, not up. The floor on |eigenvalue| keeps the step finite
 * where H is (nearly) singular; λ adds Levenberg–Marquardt damping on top.
 */
export function absoluteEigen(
  floor: number,
  lambda: number,
): (h: Float64Array, n: number, g: Float64Array) => Float64Array {
  return (h, n, g) => {
    const { values, vectors } = eigSym(h, n, { vectors: true });
    const v = vectors!;
    const d = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // (vⱼᵀ g) / (max(|λⱼ|, floor) + λ): floor > 0 or λ > 0 keeps the divisor positive.
      let proj = 0;
      for (let i = 0; i < n; i++) proj += v[i * n + j] * g[i];
      const scale = proj / (Math.max(Math.abs(values[j]), floor) + lambda);
      for (let i = 0; i < n; i++) d[i] += scale * v[i * n + j];
    }
    return d;
  };
}
