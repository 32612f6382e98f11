import type { Stream } from '../rng/stream.js';
import { NO_DIAGNOSTICS, type Objective } from './objective.js';

/** An implicit surface g(x) = 0 in ℝᵈ with exact derivatives, and a way onto it from angles. */
export interface ImplicitSurface {
  readonly d: number;
  g(x: Float64Array): number;
  gradG(x: Float64Array): Float64Array;
  /** d × d row-major. */
  hessG(x: Float64Array): Float64Array;
  /** A point on the surface from the parametric problem's initial angles (same stream, same starts). */
  pointFrom(rng: Stream): Float64Array;
  /** Name of the parametric census point at x on the surface (or null). */
  identify(x: Float64Array): string | null;
}

/**
 * min f(x) = ½‖x − y‖² subject to g(x) = 0, posed as the Lagrangian ℒ(x, μ) = f(x) + μ g(x) on
 * z = (x, μ) ∈ ℝᵈ⁺¹. Its gradient is the KKT residual (∇f + μ∇g, g) and its Hessian the KKT matrix
 * [[I + μ∇²g, ∇g], [∇gᵀ, 0]], so the `newton` optimizer on this objective is Newton on the KKT system
 * (Nocedal & Wright, ch. 12 and §18.1). ℒ is never a minimum in z (the KKT matrix is
 * indefinite), so the kind of point is read from `reducedHessian`: ∇²ₓₓℒ projected on the tangent
 * space null(∇gᵀ).
 */
export class KktObjective implements Objective {
  readonly dim: number;

  constructor(
    readonly kind: string,
    private readonly s: ImplicitSurface,
    private readonly y: Float64Array,
  ) {
    this.dim = s.d + 1;
  }

  value(z: Float64Array): number {
    const d = this.s.d;
    let f = 0;
    for (let i = 0; i < d; i++) f += 0.5 * (z[i] - this.y[i]) ** 2;
    return f + z[d] * this.s.g(z.subarray(0, d));
  }

  evaluate(z: Float64Array) {
    const d = this.s.d;
    const x = z.subarray(0, d);
    const mu = z[d];
    const gg = this.s.gradG(x);
    const gradient = new Float64Array(d + 1);
    for (let i = 0; i < d; i++) gradient[i] = x[i] - this.y[i] + mu * gg[i];
    gradient[d] = this.s.g(x);
    return { value: this.value(z), gradient };
  }

  evaluate2(z: Float64Array) {
    const d = this.s.d;
    const n = d + 1;
    const x = z.subarray(0, d);
    const w = this.lagrangianHessian(z);
    const gg = this.s.gradG(x);
    const hessian = new Float64Array(n * n);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) hessian[i * n + j] = w[i * d + j];
      hessian[i * n + d] = gg[i];
      hessian[d * n + i] = gg[i];
    }
    return { ...this.evaluate(z), hessian };
  }

  /** ∇²ₓₓℒ = I + μ ∇²g, d × d. */
  private lagrangianHessian(z: Float64Array): Float64Array {
    const d = this.s.d;
    const w = this.s.hessG(z.subarray(0, d));
    for (let i = 0; i < d * d; i++) w[i] *= z[d];
    for (let i = 0; i < d; i++) w[i * d + i] += 1;
    return w;
  }

  /**
   * Zᵀ ∇²ₓₓℒ Z with Z an orthonormal basis of the tangent space null(∇gᵀ): the columns 2…d of the
   * Householder reflector that maps ∇g/‖∇g‖ to e₁. Its eigenvalues classify the constrained point.
   */
  reducedHessian(z: Float64Array): { matrix: Float64Array; n: number } {
    const d = this.s.d;
    const gg = this.s.gradG(z.subarray(0, d));
    const norm = Math.hypot(...gg);
    const nrm = Array.from(gg, (v) => v / norm);
    // v = n + sign(n₁) e₁ avoids cancellation; the reflector I − 2vvᵀ/vᵀv maps n to ∓e₁.
    const v = [...nrm];
    v[0] += nrm[0] >= 0 ? 1 : -1;
    const vv = v.reduce((s, x) => s + x * x, 0);
    const z2 = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
    const w = this.lagrangianHessian(z);
    const m = d - 1;
    const out = new Float64Array(m * m);
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) {
        let s = 0;
        for (let i = 0; i < d; i++)
          for (let j = 0; j < d; j++) s += z2(i, a + 1) * w[i * d + j] * z2(j, b + 1);
        out[a * m + b] = s;
      }
    return { matrix: out, n: m };
  }

  /** A start on the surface, with the least-squares multiplier μ₀ = −∇gᵀ(x − y) / ‖∇g‖². */
  initial(rng: Stream): Float64Array {
    const d = this.s.d;
    const x = this.s.pointFrom(rng);
    const gg = this.s.gradG(x);
    let num = 0;
    let den = 0;
    for (let i = 0; i < d; i++) {
      num += gg[i] * (x[i] - this.y[i]);
      den += gg[i] * gg[i];
    }
    const z = new Float64Array(d + 1);
    z.set(x);
    // ∇g ≠ 0 on both surfaces (regular level sets away from the torus's axis), so den > 0.
    z[d] = -num / den;
    return z;
  }

  diagnostics() {
    return NO_DIAGNOSTICS;
  }

  identify(z: Float64Array): string | null {
    return Math.abs(this.s.g(z.subarray(0, this.s.d))) < 1e-8
      ? this.s.identify(z.subarray(0, this.s.d))
      : null;
  }
}
