import { matmul } from '../linalg/gemm.js';
import type { BasisLoss } from './basis-loss.js';
import { jetCurvature, jetJacobian } from './jet-map.js';
import { fanIn } from './layout.js';
import type { LossPass } from './loss-gradient.js';

/**
 * The exact Hessian of L = (1/N) Σ r_i² (basis-loss.ts), assembled, not differentiated twice:
 *   H = (2/N) Σ_i J_iᵀJ_i  +  Σ_i Σ_nodes (adjoint) · J_inᵀ (local Hessian) J_in,
 * the second sum running over the nodes of the network whose local second derivative is nonzero
 * ("edge pushing"): each unit's activation jet (local Hessian M, jet-map.ts), each product
 * W_l · a_{l−1} (bilinear: couples W_l[u][j] with whatever a_{l−1,j} depends on) and the output
 * c · ψ (couples c_k with the inner parameters of ψ_k). The Jacobians J_in are forward-mode and
 * sparse by layer: a unit's pre-activation depends on the parameters of earlier layers densely but
 * on its own layer only through its row of W and its bias, which the loops below exploit. Cost per
 * point ≈ Σ_l w_l C P_l² / 2 with P_l the parameters before layer l, plus the N n² of JᵀJ (one GEMM):
 * for the tanh width-20 regression (n = 480) the GEMM is most of it.
 * Only the lower triangle is accumulated; the upper is mirrored at the end, so H is exactly symmetric.
 */
export function lossHessian(loss: BasisLoss, theta: Float64Array, pass: LossPass): Float64Array {
  const { net, N, alpha } = loss;
  const { layout, shape } = net;
  const { d, channels: C } = shape;
  const n = layout.dim;
  const L = layout.widths.length;
  const wL = layout.widths[L - 1];
  const PL = layout.prefix[L];
  const H = new Float64Array(n * n);
  const JT = new Float64Array(n * N); // J transposed: n × N, J_i = ∇r_i
  const D = new Float64Array(C * C);
  const M = new Float64Array(C * C);
  const Y = new Float64Array(C * Math.max(1, layout.prefix[L - 1]));
  const atil = new Float64Array((Math.max(layout.inputs, ...layout.widths) + 1) * C);
  const beta = new Float64Array(C);
  const { fw, abar, zbar, psi, r } = pass;

  for (let i = 0; i < N; i++) {
    // JA: Jacobian of the current layer's input activation jets, rows (j, ch), P columns.
    let JA = new Float64Array(0);
    for (let l = 0; l < L; l++) {
      const w = layout.widths[l];
      const F = fanIn(layout, l);
      const P = layout.prefix[l];
      const Pn = layout.prefix[l + 1];
      const Wo = layout.offW[l];
      const Bo = layout.offB[l];
      const last = l === L - 1;
      const prev = l === 0 ? fw.x0 : fw.a[l - 1];
      const po = i * F * C;
      // ã: the local Jacobian of z_{l,u} in (W_l[u][·], b_l[u]), the same for every unit.
      for (let j = 0; j < F; j++) for (let ch = 0; ch < C; ch++) atil[j * C + ch] = prev[po + j * C + ch];
      for (let ch = 0; ch < C; ch++) atil[F * C + ch] = ch === 0 ? 1 : 0;
      // JZd = W_l · JA: the pre-activations' Jacobian in the parameters of earlier layers.
      const JZd = new Float64Array(w * C * P);
      if (P > 0) matmul(w, C * P, F, theta.subarray(Wo, Wo + w * F), JA, JZd);
      // Next JA (rows (u, ch), Pn columns), or JΨ (rows u) at the last layer.
      const next = new Float64Array(last ? w * Pn : w * C * Pn);
      for (let u = 0; u < w; u++) {
        const zo = (i * w + u) * C;
        const so = (i * w + u) * 5;
        const z = fw.z[l];
        const s = fw.s[l];
        jetJacobian(d, C, z, zo, s, so, D);
        jetCurvature(d, C, z, zo, s, so, abar[l], zo, M);
        const zb = zbar[l];
        const rowW = Wo + u * F;
        // Y = M · JZd_u (C × P).
        for (let c1 = 0; c1 < C; c1++) {
          const yo = c1 * P;
          Y.fill(0, yo, yo + P);
          for (let c2 = 0; c2 < C; c2++) {
            const m = M[c1 * C + c2];
            if (m === 0) continue;
            const jo = (u * C + c2) * P;
            for (let q = 0; q < P; q++) Y[yo + q] += m * JZd[jo + q];
          }
        }
        // Earlier × earlier: JZd_uᵀ M JZd_u, lower triangle.
        for (let c1 = 0; c1 < C; c1++) {
          const jo = (u * C + c1) * P;
          const yo = c1 * P;
          for (let p = 0; p < P; p++) {
            const v = JZd[jo + p];
            if (v === 0) continue;
            const ho = p * n;
            for (let q = 0; q <= p; q++) H[ho + q] += v * Y[yo + q];
          }
        }
        // Own row (W_l[u][j], b_l[u]) × earlier: ã_jᵀ Y (activation) + z̄_u · JA_j (bilinear W·a).
        for (let j = 0; j <= F; j++) {
          const R = j === F ? Bo + u : rowW + j;
          const ho = R * n;
          for (let c1 = 0; c1 < C; c1++) {
            const t = atil[j * C + c1];
            if (t === 0) continue;
            const yo = c1 * P;
            for (let q = 0; q < P; q++) H[ho + q] += t * Y[yo + q];
          }
          if (j < F && P > 0)
            for (let ch = 0; ch < C; ch++) {
              const t = zb[zo + ch];
              const jo = (j * C + ch) * P;
              for (let q = 0; q < P; q++) H[ho + q] += t * JA[jo + q];
            }
        }
        // Own row × own row: ã_{j1}ᵀ M ã_{j2}, j1 ≥ j2 (the bias sits after the whole W_l).
        for (let j1 = 0; j1 <= F; j1++) {
          const R1 = j1 === F ? Bo + u : rowW + j1;
          for (let c2 = 0; c2 < C; c2++) {
            let v = 0;
            for (let c1 = 0; c1 < C; c1++) v += atil[j1 * C + c1] * M[c1 * C + c2];
            beta[c2] = v;
          }
          for (let j2 = 0; j2 <= j1; j2++) {
            const R2 = j2 === F ? Bo + u : rowW + j2;
            let v = 0;
            for (let c2 = 0; c2 < C; c2++) v += beta[c2] * atil[j2 * C + c2];
            H[R1 * n + R2] += v;
          }
        }
        // Forward Jacobian of this unit's activation jet (or of ψ_u at the last layer).
        if (last) {
          // JΨ_u = β · Jz_u with β = αᵀ D.
          for (let c2 = 0; c2 < C; c2++) {
            let v = 0;
            for (let c1 = 0; c1 < C; c1++) v += alpha[i * C + c1] * D[c1 * C + c2];
            beta[c2] = v;
          }
          const oo = u * Pn;
          for (let c2 = 0; c2 < C; c2++) {
            const b = beta[c2];
            if (b === 0) continue;
            const jo = (u * C + c2) * P;
            for (let q = 0; q < P; q++) next[oo + q] += b * JZd[jo + q];
            for (let j = 0; j < F; j++) next[oo + rowW + j] += b * atil[j * C + c2];
            next[oo + Bo + u] += b * atil[F * C + c2];
          }
        } else {
          for (let c1 = 0; c1 < C; c1++) {
            const oo = (u * C + c1) * Pn;
            for (let c2 = 0; c2 < C; c2++) {
              const b = D[c1 * C + c2];
              if (b === 0) continue;
              const jo = (u * C + c2) * P;
              for (let q = 0; q < P; q++) next[oo + q] += b * JZd[jo + q];
              for (let j = 0; j < F; j++) next[oo + rowW + j] += b * atil[j * C + c2];
              next[oo + Bo + u] += b * atil[F * C + c2];
            }
          }
        }
      }
      JA = next;
    }
    // Output c · ψ: c_k × inner (adjoint ρ_i), and the residual's gradient J_i.
    const rho = (2 * r[i]) / N;
    for (let k = 0; k < wL; k++) {
      const ho = (layout.offC + k) * n;
      const jo = k * PL;
      const ck = theta[layout.offC + k];
      for (let q = 0; q < PL; q++) {
        H[ho + q] += rho * JA[jo + q];
        JT[q * N + i] += ck * JA[jo + q];
      }
      JT[(layout.offC + k) * N + i] = psi[i * wL + k];
    }
  }
  // Gauss–Newton part (2/N) JᵀJ, one GEMM (J is JTᵀ: JTᵀ as the N × n right operand).
  const J = new Float64Array(N * n);
  for (let q = 0; q < n; q++) for (let i = 0; i < N; i++) J[i * n + q] = JT[q * N + i];
  const G = new Float64Array(n * n);
  matmul(n, n, N, JT, J, G);
  const s = 2 / N;
  for (let p = 0; p < n; p++) {
    const ho = p * n;
    for (let q = 0; q <= p; q++) H[ho + q] += s * G[ho + q];
  }
  for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) H[p * n + q] = H[q * n + p];
  return H;
}
