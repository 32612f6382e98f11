import type { BasisLoss } from './basis-loss.js';
import { jetBackward } from './jet-map.js';
import { fanIn } from './layout.js';
import type { Forward } from './mlp.js';

/** The state of one evaluation: what the Hessian pass reuses. */
export interface LossPass {
  readonly value: number;
  readonly gradient: Float64Array;
  readonly fw: Forward;
  /** ψ, N × w_L. */
  readonly psi: Float64Array;
  /** Residuals r, N. */
  readonly r: Float64Array;
  /** Adjoints of every layer's activation jets ā[l] and pre-activation jets z̄[l], N × w_l × C. */
  readonly abar: Float64Array[];
  readonly zbar: Float64Array[];
}

/**
 * Value and exact gradient by reverse mode through the jets. With ρ_i = 2 r_i / N:
 * ∂L/∂c_k = Σ_i ρ_i ψ_ik; ā_{L,k,ch} = ρ_i c_k α_{i,ch}; z̄ = Dᵀ ā (jet-map.ts);
 * ∂L/∂W_l[u][j] = Σ_{i,ch} z̄_{l,u,ch} a_{l−1,j,ch}; ∂L/∂b_l[u] = Σ_i z̄_{l,u,0}; ā_{l−1} = W_lᵀ z̄_l.
 */
export function lossGradient(loss: BasisLoss, theta: Float64Array): LossPass {
  const { net, N, alpha } = loss;
  const { layout, shape } = net;
  const { d, channels: C } = shape;
  const L = layout.widths.length;
  const fw = loss.forward(theta);
  const psi = loss.basisImages(fw);
  const r = loss.residuals(theta, psi);
  const g = new Float64Array(layout.dim);
  let value = 0;
  for (let i = 0; i < N; i++) value += r[i] * r[i];
  value /= N;

  const wL = layout.widths[L - 1];
  const abar: Float64Array[] = new Array(L);
  const zbar: Float64Array[] = new Array(L);
  const top = new Float64Array(N * wL * C);
  for (let i = 0; i < N; i++) {
    const rho = (2 * r[i]) / N;
    for (let k = 0; k < wL; k++) {
      g[layout.offC + k] += rho * psi[i * wL + k];
      const ck = rho * theta[layout.offC + k];
      const o = (i * wL + k) * C;
      for (let ch = 0; ch < C; ch++) top[o + ch] = ck * alpha[i * C + ch];
    }
  }
  abar[L - 1] = top;
  for (let l = L - 1; l >= 0; l--) {
    const w = layout.widths[l];
    const F = fanIn(layout, l);
    const W = layout.offW[l];
    const B = layout.offB[l];
    const ab = abar[l];
    const zb = new Float64Array(N * w * C);
    const prev = l === 0 ? fw.x0 : fw.a[l - 1];
    const below = l === 0 ? null : new Float64Array(N * F * C);
    const z = fw.z[l];
    const s = fw.s[l];
    for (let i = 0; i < N; i++)
      for (let u = 0; u < w; u++) {
        const o = (i * w + u) * C;
        jetBackward(d, C, z, o, s, (i * w + u) * 5, ab, o, zb, o);
        g[B + u] += zb[o];
        const wo = W + u * F;
        for (let j = 0; j < F; j++) {
          const po = (i * F + j) * C;
          let acc = 0;
          for (let ch = 0; ch < C; ch++) acc += zb[o + ch] * prev[po + ch];
          g[wo + j] += acc;
          if (below) {
            const wij = theta[wo + j];
            for (let ch = 0; ch < C; ch++) below[po + ch] += wij * zb[o + ch];
          }
        }
      }
    zbar[l] = zb;
    if (below) abar[l - 1] = below;
  }
  return { value, gradient: g, fw, psi, r, abar, zbar };
}
