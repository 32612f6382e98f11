import { NO_DIAGNOSTICS, type Objective } from '../../shared/problems/objective.js';
import type { Stream } from '../../shared/rng/stream.js';

/** L(x) = ½ (x − c)ᵀ A (x − c) for a symmetric A (test objective). */
export class Quadratic implements Objective {
  readonly kind = 'quadratic';
  constructor(
    readonly a: Float64Array,
    readonly c: Float64Array,
  ) {}
  get dim() {
    return this.c.length;
  }
  private ax(x: Float64Array) {
    const n = this.dim;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i] += this.a[i * n + j] * (x[j] - this.c[j]);
    return g;
  }
  value(x: Float64Array) {
    const g = this.ax(x);
    let v = 0;
    for (let i = 0; i < this.dim; i++) v += 0.5 * g[i] * (x[i] - this.c[i]);
    return v;
  }
  evaluate(x: Float64Array) {
    return { value: this.value(x), gradient: this.ax(x) };
  }
  evaluate2(x: Float64Array) {
    return { ...this.evaluate(x), hessian: Float64Array.from(this.a) };
  }
  initial(rng: Stream) {
    return Float64Array.from({ length: this.dim }, () => rng.uniformIn(-3, 3));
  }
  diagnostics() {
    return NO_DIAGNOSTICS;
  }
}

/** Rosenbrock's function in 2-D: minimum 0 at (1, 1). */
export class Rosenbrock implements Objective {
  readonly kind = 'rosenbrock';
  readonly dim = 2;
  value(x: Float64Array) {
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
  }
  evaluate(x: Float64Array) {
    const [a, b] = x;
    return {
      value: this.value(x),
      gradient: Float64Array.of(-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)),
    };
  }
  evaluate2(x: Float64Array) {
    const [a, b] = x;
    return {
      ...this.evaluate(x),
      hessian: Float64Array.of(2 - 400 * (b - 3 * a * a), -400 * a, -400 * a, 200),
    };
  }
  initial(rng: Stream) {
    return Float64Array.of(rng.uniformIn(-2, 2), rng.uniformIn(-1, 3));
  }
  diagnostics() {
    return NO_DIAGNOSTICS;
  }
}

/** A test objective whose evaluation throws (a bug in a problem must become an `error` row). */
export class Throwing extends Rosenbrock {
  override evaluate(): never {
    throw new Error('boom');
  }
}
