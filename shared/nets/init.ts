import type { Stream } from '../rng/stream.js';
import { fanIn, type ParamLayout } from './layout.js';

export type InitScheme = 'xavier-normal' | 'xavier-uniform' | 'siren';

/**
 * Initial parameters. Biases are zero under the Xavier schemes (PyTorch's defaults for the paper's
 * `xavier_normal_` weights); the output layer c (1 × w_L) is initialized like any weight matrix.
 * - xavier-normal: N(0, 2 / (fan_in + fan_out)), as torch.nn.init.xavier_normal_ (gain 1).
 * - xavier-uniform: U(−a, a), a = √(6 / (fan_in + fan_out)), as xavier_uniform_.
 * - siren (Sitzmann et al. 2020, §3.2): first layer U(−1/fan_in, 1/fan_in), later layers
 *   U(−√(6/fan_in)/ω, √(6/fan_in)/ω), biases as their layer's weights; our activation is sin(ωz)
 *   in every layer, so ω takes the role of their ω₀.
 * Draw order is fixed (layer by layer, W row-major, then b, then c), so the same stream gives the
 * same network everywhere.
 */
export function initParams(
  layout: ParamLayout,
  scheme: InitScheme,
  omega: number,
  rng: Stream,
): Float64Array {
  const theta = new Float64Array(layout.dim);
  const L = layout.widths.length;
  const fill = (off: number, count: number, fin: number, fout: number, first: boolean, bias: boolean) => {
    for (let i = 0; i < count; i++) theta[off + i] = draw(fin, fout, first, bias);
  };
  const draw = (fin: number, fout: number, first: boolean, bias: boolean): number => {
    switch (scheme) {
      case 'xavier-normal':
        return bias ? 0 : rng.normal() * Math.sqrt(2 / (fin + fout));
      case 'xavier-uniform':
        return bias ? 0 : rng.uniformIn(-1, 1) * Math.sqrt(6 / (fin + fout));
      case 'siren': {
        const a = first ? 1 / fin : Math.sqrt(6 / fin) / omega;
        return rng.uniformIn(-a, a);
      }
    }
  };
  for (let l = 0; l < L; l++) {
    const w = layout.widths[l];
    const fin = fanIn(layout, l);
    fill(layout.offW[l], w * fin, fin, w, l === 0, false);
    fill(layout.offB[l], w, fin, w, l === 0, true);
  }
  const last = layout.widths[L - 1];
  // The output layer has no bias (Eq. 7) and takes the weight rule.
  fill(layout.offC, last, last, 1, false, false);
  return theta;
}
