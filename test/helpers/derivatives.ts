import type { Objective } from '../../shared/problems/objective.js';

/**
 * Central-difference checks of exact derivatives. Finite differences live only in tests.
 * Errors are relative to max(1, ‖exact‖∞) so that near-zero derivatives are judged absolutely.
 */
export function centralGradient(obj: Objective, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(obj.dim);
  const xp = Float64Array.from(x);
  for (let i = 0; i < obj.dim; i++) {
    const xi = x[i];
    xp[i] = xi + h;
    const fp = obj.value(xp);
    xp[i] = xi - h;
    const fm = obj.value(xp);
    xp[i] = xi;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Central differences of the exact gradient: column j ≈ (∇L(x + h eⱼ) − ∇L(x − h eⱼ)) / 2h. */
export function centralHessian(obj: Objective, x: Float64Array, h = 1e-5): Float64Array {
  const n = obj.dim;
  const hess = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    xp[j] = xj + h;
    const gp = obj.evaluate(xp).gradient;
    xp[j] = xj - h;
    const gm = obj.evaluate(xp).gradient;
    xp[j] = xj;
    for (let i = 0; i < n; i++) hess[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  return hess;
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |a − b| / max(1, ‖a‖∞). */
export function relativeError(exact: Float64Array, approx: Float64Array): number {
  let m = 0;
  for (let i = 0; i < exact.length; i++) m = Math.max(m, Math.abs(exact[i] - approx[i]));
  return m / Math.max(1, maxAbs(exact));
}

/** max |H − Hᵀ| for an n × n row-major matrix. */
export function asymmetry(h: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) m = Math.max(m, Math.abs(h[i * n + j] - h[j * n + i]));
  return m;
}
