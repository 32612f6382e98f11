import { z } from 'zod';
import type { Stream } from '../rng/stream.js';
import { angleDistance, wrapAngle } from './angles.js';
import type { ProblemKind } from './kind.js';
import { NO_DIAGNOSTICS, type Objective } from './objective.js';

const schema = z.strictObject({
  kind: z.literal('circle'),
  /** Target point y ∈ ℝ² (the paper's Fig. 1 example; default ours). */
  target: z.tuple([z.number(), z.number()]).default([2, 1]),
});

/**
 * Regression onto y from the unit circle x(θ) = (cos θ, sin θ) (paper §2, Fig. 1):
 * L(θ) = ½‖x(θ) − y‖² = ½(1 + ‖y‖²) − (y₁ cos θ + y₂ sin θ).
 * L′ = y₁ sin θ − y₂ cos θ, L″ = y₁ cos θ + y₂ sin θ. Stationary at θ* = atan2(y₂, y₁)
 * (minimum, L″ = ‖y‖) and θ* + π (maximum, L″ = −‖y‖).
 */
export class Circle implements Objective {
  readonly kind = 'circle';
  readonly dim = 1;
  private readonly thetaMin: number;

  constructor(private readonly y: readonly [number, number]) {
    this.thetaMin = Math.atan2(y[1], y[0]);
  }

  value(x: Float64Array): number {
    const [y1, y2] = this.y;
    return 0.5 * (1 + y1 * y1 + y2 * y2) - (y1 * Math.cos(x[0]) + y2 * Math.sin(x[0]));
  }

  evaluate(x: Float64Array) {
    const [y1, y2] = this.y;
    return { value: this.value(x), gradient: Float64Array.of(y1 * Math.sin(x[0]) - y2 * Math.cos(x[0])) };
  }

  evaluate2(x: Float64Array) {
    const [y1, y2] = this.y;
    return { ...this.evaluate(x), hessian: Float64Array.of(y1 * Math.cos(x[0]) + y2 * Math.sin(x[0])) };
  }

  initial(rng: Stream): Float64Array {
    return Float64Array.of(rng.uniformIn(-Math.PI, Math.PI));
  }

  diagnostics() {
    return NO_DIAGNOSTICS;
  }

  canonical(x: Float64Array): Float64Array {
    return Float64Array.of(wrapAngle(x[0]));
  }

  identify(x: Float64Array, tol = 1e-6): string | null {
    if (angleDistance(x[0], this.thetaMin) < tol) return 'minimum';
    if (angleDistance(x[0], this.thetaMin + Math.PI) < tol) return 'maximum';
    return null;
  }
}

export const circle: ProblemKind<typeof schema> = {
  kind: 'circle',
  schema,
  size: () => ({ n: 1 }),
  create: (p) => new Circle(p.target),
};
