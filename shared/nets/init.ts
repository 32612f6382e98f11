import type { Stream } from '../rng/stream.js';
import { fanIn, type ParamLayout } from './layout.js';

export type InitScheme = 'xavier-normal' | 'xavier-uniform' | 'siren';

/**
 * How the hidden layers' biases are drawn, independently of the weight scheme. Absent, the
 * weight scheme's own rule holds (zeros under Xavier, the SIREN rule under siren), which keeps
 * every existing task's initial point and id.
 * - zeros: b = 0.
 * - torch-default: U(−1/√fan_in, 1/√fan_in), PyTorch nn.Linear's reset_parameters.
 * - normal: N(0, scale²).
 */
export type BiasInit = { kind: 'zeros' } | { kind: 'torch-default' } | { kind: 'normal'; scale: number };

/**
 * Initial parameters. Biases are zero under the Xavier schemes (PyTorch's defaults for the paper's
 * `xavier_normal_` weights) unless `bias` says otherwise; the output layer c (1 × w_L) is
 * initialized like any weight matrix.
 * - xavier-normal: N(0, 2 / (fan_in + fan_out)), as torch.nn.init.xavier_normal_ (gain 1).
 * - xavier-uniform: U(−a, a), a = √(6 / (fan_in + fan_out)), as xavier_uniform_.
 * - siren (Sitzmann et al. 2020, §3.2): first layer U(−1/fan_in, 1/fan_in), later layers
 *   U(−√(6/fan_in)/ω, √(6/fan_in)/ω), biases as their layer's weights; our activation is sin(ωz)
 *   in every layer, so ω takes the role of their ω₀.
 * Draw order is fixed (layer by layer, W row-major, then b, then c), all from the one init
 * stream, so the same stream gives the same network everywhere. A zero bias draws nothing.
 */
export function initParams(
  layout: ParamLayout,
  scheme: InitScheme,
  omega: number,
  rng: Stream,
  bias?: BiasInit,
): Float64Array {
  const theta = new Float64Array(layout.dim);
  const L = layout.widths.length;
  const weight = (fin: number, fout: number, first: boolean): number => {
    switch (scheme) {
      case 'xavier-normal':
        return rng.normal() * Math.sqrt(2 / (fin + fout));
      case 'xavier-uniform':
        return rng.uniformIn(-1, 1) * Math.sqrt(6 / (fin + fout));
      case 'siren': {
        const a = first ? 1 / fin : Math.sqrt(6 / fin) / omega;
        return rng.uniformIn(-a, a);
      }
    }
  };
  const biasOf = (fin: number, fout: number, first: boolean): number => {
    switch (bias?.kind) {
      case undefined:
        return scheme === 'siren' ? weight(fin, fout, first) : 0;
      case 'zeros':
        return 0;
      case 'torch-default':
        return rng.uniformIn(-1, 1) / Math.sqrt(fin);
      case 'normal':
        return rng.normal() * bias.scale;
    }
  };
  for (let l = 0; l < L; l++) {
    const w = layout.widths[l];
    const fin = fanIn(layout, l);
    const first = l === 0;
    for (let i = 0; i < w * fin; i++) theta[layout.offW[l] + i] = weight(fin, w, first);
    for (let i = 0; i < w; i++) theta[layout.offB[l] + i] = biasOf(fin, w, first);
  }
  const last = layout.widths[L - 1];
  // The output layer has no bias (Eq. 7) and takes the weight rule.
  for (let i = 0; i < last; i++) theta[layout.offC + i] = weight(last, 1, false);
  return theta;
}
