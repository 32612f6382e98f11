import type { Activation } from './activation.js';
import { applyJet } from './jet-map.js';
import type { JetShape } from './jets.js';
import { fanIn, type ParamLayout } from './layout.js';

/** An MLP as the paper's Eq. 7 uses it: hidden layers σ(W a + b), then u = Σ_k c_k a_{L,k}. */
export interface Mlp {
  readonly layout: ParamLayout;
  readonly shape: JetShape;
  readonly activation: Activation;
}

/**
 * The forward pass at N points, jets carried through every layer (jets.ts), kept for the backward
 * pass: per layer l, z[l] and a[l] (N × w_l × C) and s[l] = σ…σ⁗ at z₀ (N × w_l × 5).
 */
export interface Forward {
  readonly N: number;
  readonly x0: Float64Array;
  readonly z: Float64Array[];
  readonly a: Float64Array[];
  readonly s: Float64Array[];
}

export function forward(net: Mlp, theta: Float64Array, x0: Float64Array, N: number): Forward {
  const { layout, shape, activation } = net;
  const { d, channels: C } = shape;
  const z: Float64Array[] = [];
  const a: Float64Array[] = [];
  const s: Float64Array[] = [];
  let prev = x0;
  for (let l = 0; l < layout.widths.length; l++) {
    const w = layout.widths[l];
    const F = fanIn(layout, l);
    const W = layout.offW[l];
    const B = layout.offB[l];
    const zl = new Float64Array(N * w * C);
    const al = new Float64Array(N * w * C);
    const sl = new Float64Array(N * w * 5);
    for (let i = 0; i < N; i++) {
      const po = i * F * C;
      for (let u = 0; u < w; u++) {
        const zo = (i * w + u) * C;
        const wo = W + u * F;
        for (let j = 0; j < F; j++) {
          const wij = theta[wo + j];
          const pj = po + j * C;
          for (let ch = 0; ch < C; ch++) zl[zo + ch] += wij * prev[pj + ch];
        }
        zl[zo] += theta[B + u];
        const so = (i * w + u) * 5;
        activation.derivatives(zl[zo], sl, so);
        applyJet(d, C, zl, zo, sl, so, al, zo);
      }
    }
    z.push(zl);
    a.push(al);
    s.push(sl);
    prev = al;
  }
  return { N, x0, z, a, s };
}
