import { z } from 'zod';
import { checkNetFields, NET_FIELDS } from '../nets/spec.js';
import type { ProblemKind } from './kind.js';
import { linspace, networkKind } from './network.js';

/** Targets f(x) on the regression domain (defaults: the paper's f = sin(2πx) on [−1, 1]). */
export const RegressionTarget = z.discriminatedUnion('kind', [
  /** sin(kπx). */
  z.strictObject({ kind: z.literal('sin'), k: z.number().default(2) }),
  /** Σ_j sin(k_j πx). */
  z.strictObject({ kind: z.literal('sines'), k: z.array(z.number()).min(1) }),
  /** Σ_j a_j x^j. */
  z.strictObject({ kind: z.literal('poly'), coefficients: z.array(z.number()).min(1) }),
]);
export type RegressionTarget = z.output<typeof RegressionTarget>;

export function targetFunction(t: RegressionTarget): (x: number) => number {
  switch (t.kind) {
    case 'sin':
      return (x) => Math.sin(t.k * Math.PI * x);
    case 'sines':
      return (x) => t.k.reduce((s, k) => s + Math.sin(k * Math.PI * x), 0);
    case 'poly':
      // Horner, highest power first.
      return (x) => t.coefficients.reduceRight((s, a) => s * x + a, 0);
  }
}

const schema = z
  .strictObject({
    kind: z.literal('mlp-regression'),
    ...NET_FIELDS,
    target: RegressionTarget.default({ kind: 'sin', k: 2 }),
    domain: z.tuple([z.number(), z.number()]).default([-1, 1]),
    /** Uniform integration grid of N points, both ends included. */
    points: z.number().int().min(2).max(100_000).default(100),
  })
  .refine((p) => p.domain[0] < p.domain[1], { path: ['domain'], message: 'must be [a, b] with a < b' })
  .check(checkNetFields);

/**
 * Regression of a target with an MLP (paper §3, Eq. 5): L = (1/N) Σ_i (u(x_i) − f(x_i))² on a
 * uniform grid; the basis functions are the last hidden layer's units.
 */
export const mlpRegression: ProblemKind = networkKind({
  kind: 'mlp-regression',
  schema,
  d: 1,
  secondDerivatives: false,
  points: (p) => [p.points, 'points'],
  define(p) {
    const f = targetFunction(p.target);
    const points = linspace(p.domain[0], p.domain[1], p.points);
    const plot = linspace(p.domain[0], p.domain[1], 201);
    return {
      points,
      alpha: () => new Float64Array(points.length).fill(1),
      target: points.map(f),
      boundary: () => 1,
      plotGrid: () => plot,
      exact: (x) => f(x[0]),
    };
  },
});
