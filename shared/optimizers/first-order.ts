import { addScaled, dot, matVec, norm2 } from '../linalg/vector.js';
import type { SecondOrderState } from './second-order.js';
import type { Optimizer, OptimizerState } from './types.js';

export interface AdamState extends OptimizerState {
  /** First and second moment estimates (shape of x) and the step count t. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly t: number;
}

/** ADAM (Kingma & Ba 2014, Algorithm 1), with bias correction. */
export function adam(p: { lr: number; beta1: number; beta2: number; eps: number }): Optimizer<AdamState> {
  return {
    name: 'adam',
    init(f, x0) {
      const x = Float64Array.from(x0);
      const e = f.evaluate(x);
      return {
        x,
        value: e.value,
        gradient: e.gradient,
        stepNorm: 0,
        m: new Float64Array(f.dim),
        v: new Float64Array(f.dim),
        t: 0,
      };
    },
    step(f, s) {
      const n = f.dim;
      const t = s.t + 1;
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      const x = new Float64Array(n);
      const c1 = 1 - p.beta1 ** t;
      const c2 = 1 - p.beta2 ** t;
      let step2 = 0;
      for (let i = 0; i < n; i++) {
        const g = s.gradient[i];
        m[i] = p.beta1 * s.m[i] + (1 - p.beta1) * g;
        v[i] = p.beta2 * s.v[i] + (1 - p.beta2) * g * g;
        // ε > 0 keeps the divisor positive where the second moment is zero.
        const d = (p.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + p.eps);
        x[i] = s.x[i] - d;
        step2 += d * d;
      }
      const e = f.evaluate(x);
      return { x, value: e.value, gradient: e.gradient, stepNorm: Math.sqrt(step2), m, v, t };
    },
  };
}

/**
 * Gradient descent with the curvature step (the step that minimizes the local
 * quadratic along −g): η = gᵀg / gᵀHg where gᵀHg > 0; along negative or zero curvature the quadratic
 * has no minimum, so a fixed step is taken instead.
 */
export function gradientDescent(p: { step: number }): Optimizer<SecondOrderState> {
  return {
    name: 'gd',
    init(f, x0) {
      const x = Float64Array.from(x0);
      const e = f.evaluate2(x);
      return { x, value: e.value, gradient: e.gradient, hessian: e.hessian, stepNorm: 0 };
    },
    step(f, s) {
      const n = f.dim;
      const g = s.gradient;
      const gHg = dot(g, matVec(s.hessian, n, g));
      const eta = gHg > 0 ? dot(g, g) / gHg : p.step;
      const x = addScaled(s.x, -eta, g);
      const e = f.evaluate2(x);
      return { x, value: e.value, gradient: e.gradient, hessian: e.hessian, stepNorm: eta * norm2(g) };
    },
  };
}

/**
 * Gradient descent with a fixed step η (`stepRule: fixed`): x ← x − ηg. First-order only (no
 * Hessian), so the tfjs engine can run the same rule batched.
 */
export function fixedStepDescent(p: { step: number }): Optimizer {
  return {
    name: 'gd',
    init(f, x0) {
      const x = Float64Array.from(x0);
      const e = f.evaluate(x);
      return { x, value: e.value, gradient: e.gradient, stepNorm: 0 };
    },
    step(f, s) {
      const x = addScaled(s.x, -p.step, s.gradient);
      const e = f.evaluate(x);
      return { x, value: e.value, gradient: e.gradient, stepNorm: p.step * norm2(s.gradient) };
    },
  };
}
