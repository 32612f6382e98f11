import { type Forward, forward, type Mlp } from './mlp.js';

/**
 * The loss every network problem shares: a mean of squared residuals that are linear in the
 * output coefficients c,
 *   r_i = Σ_k c_k ψ_ik − f_i,   ψ_ik = Σ_ch α_{i,ch} a_{L,k,ch}(x_i),   L = (1/N) Σ_i r_i².
 * ψ_ik is the k-th basis function (regression: α = (1)) or its image under a linear differential
 * operator with the boundary factor built in (PINNs: φ_k = d·h_k, and α holds the derivatives of
 * d that the product rule brings; see problems/pinn-*.ts). The weights α are per point and channel.
 */
export class BasisLoss {
  readonly N: number;
  constructor(
    readonly net: Mlp,
    /** Input feature jets, N × d₀ × C (jets.ts). */
    readonly x0: Float64Array,
    /** Operator weights α, N × C. */
    readonly alpha: Float64Array,
    /** Targets f, N. */
    readonly target: Float64Array,
  ) {
    this.N = target.length;
  }

  get dim(): number {
    return this.net.layout.dim;
  }

  forward(theta: Float64Array): Forward {
    return forward(this.net, theta, this.x0, this.N);
  }

  /** ψ (N × w_L), the basis images at the grid points. */
  basisImages(fw: Forward): Float64Array {
    const { N } = this;
    const C = this.net.shape.channels;
    const L = this.net.layout.widths.length;
    const w = this.net.layout.widths[L - 1];
    const aL = fw.a[L - 1];
    const psi = new Float64Array(N * w);
    for (let i = 0; i < N; i++)
      for (let k = 0; k < w; k++) {
        let v = 0;
        const o = (i * w + k) * C;
        for (let ch = 0; ch < C; ch++) v += this.alpha[i * C + ch] * aL[o + ch];
        psi[i * w + k] = v;
      }
    return psi;
  }

  /** Residuals r = ψ c − f, N. */
  residuals(theta: Float64Array, psi: Float64Array): Float64Array {
    const { N } = this;
    const { offC, widths } = this.net.layout;
    const w = widths[widths.length - 1];
    const r = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let v = 0;
      for (let k = 0; k < w; k++) v += psi[i * w + k] * theta[offC + k];
      r[i] = v - this.target[i];
    }
    return r;
  }

  value(theta: Float64Array): number {
    const r = this.residuals(theta, this.basisImages(this.forward(theta)));
    let v = 0;
    for (let i = 0; i < r.length; i++) v += r[i] * r[i];
    return v / this.N;
  }
}
