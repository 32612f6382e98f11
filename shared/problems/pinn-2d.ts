import { z } from 'zod';
import { checkNetFields, NET_FIELDS } from '../nets/spec.js';
import type { ProblemKind } from './kind.js';
import { alphaRows, networkKind } from './network.js';

const schema = z
  .strictObject({
    kind: z.literal('pinn-2d'),
    ...NET_FIELDS,
    // The paper's 2-D PINN is a SIREN (§4); ω's default is ours.
    activation: NET_FIELDS.activation.unwrap().default('sin'),
    /** Reaction coefficient κ of −Δu + κu = f. */
    kappa: z.number().min(0).default(1),
    /** f = (2(kπ)² + κ) sin(kπx) sin(kπy), so that u = sin(kπx) sin(kπy) is exact (default k = 1). */
    k: z.number().positive().default(1),
    /** Interior tensor grid of n × n points ((i + 1)/(n + 1), (j + 1)/(n + 1)). */
    grid: z.number().int().min(1).max(1000).default(16),
  })
  .check(checkNetFields);

/** n × n points on [0, 1]², row-major in (x, y); interior (n + 2 spacing) or closed (plots). */
function tensorGrid(n: number, interior: boolean): Float64Array {
  const pts = new Float64Array(n * n * 2);
  const at = (i: number) => (interior ? (i + 1) / (n + 1) : i / (n - 1));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      pts[(i * n + j) * 2] = at(i);
      pts[(i * n + j) * 2 + 1] = at(j);
    }
  return pts;
}

/**
 * Diffusion–reaction −Δu + κu = f on [0, 1]², u = 0 on the boundary (paper §4, Figs. 10–11), with
 * φ_k = d·h_k, d = x(1 − x) y(1 − y). ψ_k = −Δ(d h_k) + κ d h_k
 *   = (−d_xx − d_yy + κd) h − 2d_x h_x − 2d_y h_y − d h_xx − d h_yy,
 * so α = (−d_xx − d_yy + κd, −2d_x, −2d_y, −d, −d) on the channels (h, h_x, h_y, h_xx, h_yy).
 */
export const pinn2d: ProblemKind = networkKind({
  kind: 'pinn-2d',
  schema,
  d: 2,
  secondDerivatives: true,
  points: (p) => [p.grid * p.grid, 'grid'],
  define(p) {
    const points = tensorGrid(p.grid, true);
    const N = p.grid * p.grid;
    const kp = p.k * Math.PI;
    const exact = (x: number, y: number) => Math.sin(kp * x) * Math.sin(kp * y);
    const target = new Float64Array(N);
    for (let i = 0; i < N; i++) target[i] = (2 * kp * kp + p.kappa) * exact(points[2 * i], points[2 * i + 1]);
    const plot = tensorGrid(41, false);
    return {
      points,
      alpha: alphaRows(N, (i) => {
        const x = points[2 * i];
        const y = points[2 * i + 1];
        const gx = x * (1 - x);
        const gy = y * (1 - y);
        const d = gx * gy;
        return [2 * gy + 2 * gx + p.kappa * d, -2 * (1 - 2 * x) * gy, -2 * gx * (1 - 2 * y), -d, -d];
      }),
      target,
      boundary: (x) => x[0] * (1 - x[0]) * x[1] * (1 - x[1]),
      plotGrid: () => plot,
      exact: (x) => exact(x[0], x[1]),
    };
  },
});
