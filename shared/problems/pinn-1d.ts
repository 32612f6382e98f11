import { z } from 'zod';
import { checkNetFields, NET_FIELDS } from '../nets/spec.js';
import type { ProblemKind } from './kind.js';
import { alphaRows, linspace, networkKind } from './network.js';

const schema = z
  .strictObject({
    kind: z.literal('pinn-1d'),
    ...NET_FIELDS,
    // The paper's 1-D PINN is a SIREN (§4); ω's default is ours.
    activation: NET_FIELDS.activation.unwrap().default('sin'),
    /** f = (kπ)² sin(kπx), so that u = sin(kπx) is exact (default the paper's k = 1). */
    k: z.number().positive().default(1),
    /** Interior collocation points x_i = i / (N + 1), i = 1 … N. */
    points: z.number().int().min(1).max(100_000).default(100),
  })
  .check(checkNetFields);

/**
 * The 1-D Poisson problem −u″ = f on [0, 1], u(0) = u(1) = 0 (paper §4, Eqs. 10–11), the
 * boundary built into every basis function: φ_k = d·h_k, d(x) = x(1 − x). The strong-form loss
 * (1/N) Σ (−u″ − f)² is a basis loss with ψ_k = −(d h_k)″ = −(d″ h + 2d′ h′ + d h″), i.e.
 * α = (−d″, −2d′, −d) = (2, −2(1 − 2x), −x(1 − x)) on the channels (h, h′, h″).
 */
export const pinn1d: ProblemKind = networkKind({
  kind: 'pinn-1d',
  schema,
  d: 1,
  secondDerivatives: true,
  points: (p) => [p.points, 'points'],
  define(p) {
    const N = p.points;
    const points = Float64Array.from({ length: N }, (_, i) => (i + 1) / (N + 1));
    const kp = p.k * Math.PI;
    const plot = linspace(0, 1, 201);
    return {
      points,
      alpha: alphaRows(N, (i) => {
        const x = points[i];
        return [2, -2 * (1 - 2 * x), -x * (1 - x)];
      }),
      target: points.map((x) => kp * kp * Math.sin(kp * x)),
      boundary: (x) => x[0] * (1 - x[0]),
      plotGrid: () => plot,
      exact: (x) => Math.sin(kp * x[0]),
    };
  },
});
