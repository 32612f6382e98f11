import { matmul } from '../linalg/gemm.js';
import type { SymmetricOperator } from '../linalg/operator.js';
import type { BasisLoss } from './basis-loss.js';
import { applyJet, jetBackward, jetCurvature } from './jet-map.js';
import { fanIn } from './layout.js';

/**
 * Exact Hessian-vector products of a basis loss (basis-loss.ts) without forming H: Pearlmutter's
 * R-operator, i.e. forward mode over the reverse pass of loss-gradient.ts. `linearizeLoss(θ)` runs
 * the primal forward and reverse passes once and keeps them; each `apply(v)` then differentiates
 * both passes in the direction v (tangent forward: ż, ȧ = D ż; tangent reverse:
 * d(z̄) = Dᵀ d(ā) + M(ā) ż, with D and M the jet Jacobian and adjoint-weighted jet Hessian of
 * jet-map.ts), which is d/dε ∇L(θ + εv) = H v exactly, in float64.
 *
 * Everything is stored unit-major, w × K with K = N·C ([u][(i·C + c)]), so that every layer's
 * products are GEMMs through the SIMD kernel (gemm.ts) instead of per-point loops:
 *   Z_l = W_l X_{l−1} (+ b_l on the value channel),  ∇W_l = Z̄_l X_{l−1}ᵀ,  Ā_{l−1} = W_lᵀ Z̄_l.
 * A product costs six such GEMMs a layer against the gradient's three (about two gradients),
 * and memory O(n + N·C·Σ w_l): the stored jets and adjoints, never n².
 */
export interface LossLinearization extends SymmetricOperator {
  readonly value: number;
  readonly gradient: Float64Array;
}

/** out (cols × rows) = aᵀ for a row-major rows × cols a. */
function transpose(rows: number, cols: number, a: Float64Array, out = new Float64Array(rows * cols)) {
  for (let i = 0; i < rows; i++) {
    const ro = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[ro + j];
  }
  return out;
}

/** ȧ = D ż for one unit's jet (the tangent of applyJet; D as in jet-map.ts's jetJacobian). */
function jetTangent(
  d: number,
  C: number,
  z: Float64Array,
  zo: number,
  s: Float64Array,
  so: number,
  zd: Float64Array,
  out: Float64Array,
): void {
  const s1 = s[so + 1];
  const z0 = zd[zo];
  out[zo] = s1 * z0;
  if (C === 1) return;
  const s2 = s[so + 2];
  const s3 = s[so + 3];
  for (let k = 1; k <= d; k++) {
    const kk = d + k;
    const zk = z[zo + k];
    out[zo + k] = s2 * zk * z0 + s1 * zd[zo + k];
    out[zo + kk] = (s3 * zk * zk + s2 * z[zo + kk]) * z0 + 2 * s2 * zk * zd[zo + k] + s1 * zd[zo + kk];
  }
}

export function linearizeLoss(loss: BasisLoss, theta: Float64Array): LossLinearization {
  const { net, N, alpha, target } = loss;
  const { layout, shape, activation } = net;
  const { d, channels: C } = shape;
  const L = layout.widths.length;
  const K = N * C;
  const n = layout.dim;
  const { offC } = layout;
  const wL = layout.widths[L - 1];

  // Primal forward. X[l] is layer l's input (F_l × K), X[L] the last activations (w_L × K).
  const X: Float64Array[] = [unitMajor(N, layout.inputs, C, loss.x0)];
  const Z: Float64Array[] = [];
  const S: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const w = layout.widths[l];
    const F = fanIn(layout, l);
    const Zl = new Float64Array(w * K);
    matmul(w, K, F, theta.subarray(layout.offW[l], layout.offW[l] + w * F), X[l], Zl);
    const Sl = new Float64Array(w * N * 5);
    const Al = new Float64Array(w * K);
    for (let u = 0; u < w; u++) {
      const b = theta[layout.offB[l] + u];
      for (let i = 0; i < N; i++) {
        const zo = u * K + i * C;
        const so = (u * N + i) * 5;
        Zl[zo] += b;
        activation.derivatives(Zl[zo], Sl, so);
        applyJet(d, C, Zl, zo, Sl, so, Al, zo);
      }
    }
    Z.push(Zl);
    S.push(Sl);
    X.push(Al);
  }
  const AL = X[L];
  const psi = new Float64Array(N * wL);
  const r = new Float64Array(N);
  const rho = new Float64Array(N);
  let value = 0;
  for (let i = 0; i < N; i++) {
    let ri = -target[i];
    for (let k = 0; k < wL; k++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += alpha[i * C + c] * AL[k * K + i * C + c];
      psi[i * wL + k] = v;
      ri += v * theta[offC + k];
    }
    r[i] = ri;
    rho[i] = (2 * ri) / N;
    value += ri * ri;
  }
  value /= N;

  // Primal reverse: Ā[l] (adjoint of layer l's activations, w_l × K) and Z̄[l].
  const g = new Float64Array(n);
  const Xt: Float64Array[] = X.slice(0, L).map((x, l) => transpose(fanIn(layout, l), K, x));
  const Wt: Float64Array[] = layout.widths.map((w, l) =>
    transpose(w, fanIn(layout, l), theta.subarray(layout.offW[l], layout.offW[l] + w * fanIn(layout, l))),
  );
  const Abar: Float64Array[] = new Array(L);
  const Zbar: Float64Array[] = new Array(L);
  const top = new Float64Array(wL * K);
  for (let k = 0; k < wL; k++) {
    const ck = theta[offC + k];
    let gc = 0;
    for (let i = 0; i < N; i++) {
      gc += rho[i] * psi[i * wL + k];
      for (let c = 0; c < C; c++) top[k * K + i * C + c] = rho[i] * ck * alpha[i * C + c];
    }
    g[offC + k] = gc;
  }
  Abar[L - 1] = top;
  for (let l = L - 1; l >= 0; l--) {
    const w = layout.widths[l];
    const F = fanIn(layout, l);
    const zb = new Float64Array(w * K);
    for (let u = 0; u < w; u++) {
      let gb = 0;
      for (let i = 0; i < N; i++) {
        const o = u * K + i * C;
        jetBackward(d, C, Z[l], o, S[l], (u * N + i) * 5, Abar[l], o, zb, o);
        gb += zb[o];
      }
      g[layout.offB[l] + u] = gb;
    }
    matmul(w, F, K, zb, Xt[l], g.subarray(layout.offW[l], layout.offW[l] + w * F));
    Zbar[l] = zb;
    if (l > 0) {
      const below = new Float64Array(F * K);
      matmul(F, K, w, Wt[l], zb, below);
      Abar[l - 1] = below;
    }
  }

  // Work buffers of the products, allocated once (allocation had been a fifth of a product's time
  // at width 20, profiled); every one is overwritten in full before it is read.
  const Zd = layout.widths.map((w) => new Float64Array(w * K));
  const Xd = layout.widths.map((w) => new Float64Array(w * K)); // Xd[l] = Ȧ_l, layer l + 1's Ẋ
  const Zbd = layout.widths.map((w) => new Float64Array(w * K));
  const Abd = layout.widths.map((w) => new Float64Array(w * K)); // d(Ā_l)
  const XdT = layout.widths.map((w) => new Float64Array(w * K)); // Ȧ_lᵀ, K × w_l
  const Vt = layout.widths.map((w, l) => new Float64Array(w * fanIn(layout, l)));
  const psid = new Float64Array(N * wL);
  const rhod = new Float64Array(N);
  const mTmp = new Float64Array(C * C);
  const bTmp = new Float64Array(C);
  return {
    dim: n,
    value,
    gradient: g,
    apply(v, out) {
      // Tangent forward: Ż_l = V_l X_{l−1} + W_l Ẋ_{l−1} (+ v_b), Ȧ_l = D Ż_l (Ẋ_0 = 0).
      for (let l = 0; l < L; l++) {
        const w = layout.widths[l];
        const F = fanIn(layout, l);
        const zd = Zd[l];
        const ad = Xd[l];
        const Zl = Z[l];
        const Sl = S[l];
        matmul(w, K, F, v.subarray(layout.offW[l], layout.offW[l] + w * F), X[l], zd);
        if (l > 0)
          matmul(w, K, F, theta.subarray(layout.offW[l], layout.offW[l] + w * F), Xd[l - 1], zd, true);
        for (let u = 0; u < w; u++) {
          const vb = v[layout.offB[l] + u];
          for (let i = 0; i < N; i++) {
            const zo = u * K + i * C;
            const so = (u * N + i) * 5;
            zd[zo] += vb;
            if (C === 1) ad[zo] = Sl[so + 1] * zd[zo];
            else jetTangent(d, C, Zl, zo, Sl, so, zd, ad);
          }
        }
      }
      // ψ̇, ṙ = ψ̇ c + ψ v_c, ρ̇ = 2ṙ/N.
      const ALd = Xd[L - 1];
      for (let i = 0; i < N; i++) {
        let rd = 0;
        for (let k = 0; k < wL; k++) {
          let p = 0;
          for (let c = 0; c < C; c++) p += alpha[i * C + c] * ALd[k * K + i * C + c];
          psid[i * wL + k] = p;
          rd += p * theta[offC + k] + psi[i * wL + k] * v[offC + k];
        }
        rhod[i] = (2 * rd) / N;
      }
      // Tangent reverse from the top: d(ā_L) = (ρ̇ c + ρ v_c) α, d(∂L/∂c) = Σ_i ρ̇ ψ + ρ ψ̇.
      const top = Abd[L - 1];
      for (let k = 0; k < wL; k++) {
        const ck = theta[offC + k];
        const vk = v[offC + k];
        let gc = 0;
        for (let i = 0; i < N; i++) {
          gc += rhod[i] * psi[i * wL + k] + rho[i] * psid[i * wL + k];
          const t = rhod[i] * ck + rho[i] * vk;
          for (let c = 0; c < C; c++) top[k * K + i * C + c] = t * alpha[i * C + c];
        }
        out[offC + k] = gc;
      }
      for (let l = L - 1; l >= 0; l--) {
        const w = layout.widths[l];
        const F = fanIn(layout, l);
        const zbd = Zbd[l];
        const abd = Abd[l];
        const ab = Abar[l];
        const zd = Zd[l];
        const Zl = Z[l];
        const Sl = S[l];
        for (let u = 0; u < w; u++) {
          let gb = 0;
          for (let i = 0; i < N; i++) {
            const o = u * K + i * C;
            const so = (u * N + i) * 5;
            if (C === 1) {
              // d(z̄) = σ′ d(ā) + ā σ″ ż: the scalar case of Dᵀ d(ā) + M(ā) ż, inline.
              zbd[o] = Sl[so + 1] * abd[o] + ab[o] * Sl[so + 2] * zd[o];
            } else {
              jetBackward(d, C, Zl, o, Sl, so, abd, o, bTmp, 0);
              jetCurvature(d, C, Zl, o, Sl, so, ab, o, mTmp);
              for (let c1 = 0; c1 < C; c1++) {
                let m = bTmp[c1];
                for (let c2 = 0; c2 < C; c2++) m += mTmp[c1 * C + c2] * zd[o + c2];
                zbd[o + c1] = m;
              }
            }
            gb += zbd[o];
          }
          out[layout.offB[l] + u] = gb;
        }
        // d(∇W_l) = d(Z̄) X_{l−1}ᵀ + Z̄ Ẋ_{l−1}ᵀ.
        const gw = out.subarray(layout.offW[l], layout.offW[l] + w * F);
        matmul(w, F, K, zbd, Xt[l], gw);
        if (l > 0) matmul(w, F, K, Zbar[l], transpose(F, K, Xd[l - 1], XdT[l - 1]), gw, true);
        if (l > 0) {
          // d(Ā_{l−1}) = W_lᵀ d(Z̄) + V_lᵀ Z̄.
          const below = Abd[l - 1];
          matmul(F, K, w, Wt[l], zbd, below);
          matmul(
            F,
            K,
            w,
            transpose(w, F, v.subarray(layout.offW[l], layout.offW[l] + w * F), Vt[l]),
            Zbar[l],
            below,
            true,
          );
        }
      }
      return out;
    },
  };
}

/** x0 (N × d₀ × C, jets.ts) as d₀ × K, [j][(i·C + c)]. */
function unitMajor(N: number, F: number, C: number, x0: Float64Array): Float64Array {
  const K = N * C;
  const out = new Float64Array(F * K);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < F; j++) for (let c = 0; c < C; c++) out[j * K + i * C + c] = x0[(i * F + j) * C + c];
  return out;
}
