import { matmul } from '../linalg/gemm.js';
import type { BasisLoss } from './basis-loss.js';
import { jetCurvature, jetJacobian } from './jet-map.js';
import { fanIn } from './layout.js';
import type { LossPass } from './loss-gradient.js';

/**
 * The exact Hessian of L = (1/N) Σ r_i² (basis-loss.ts), assembled rather than differentiated twice:
 *   H = (2/N) JᵀJ  +  Σ_nodes (adjoint) · J_inᵀ (local Hessian) J_in,
 * the second sum over the nodes whose local second derivative is nonzero ("edge pushing"): every
 * unit's activation jet (local Hessian M, jet-map.ts), every product W_l · a_{l−1} (bilinear: it
 * couples W_l[u][j] with whatever a_{l−1,j} depends on) and the output c · ψ (it couples c_k with
 * ψ_k's inner parameters). J_in are forward-mode Jacobians, sparse by layer: a unit's pre-activation
 * depends densely on the P_l parameters of earlier layers but on its own layer only through its
 * row of W_l and its bias. Each block is one GEMM over all K = N·C (point, channel) pairs, through
 * the SIMD kernel: per-point rank-C updates are far slower than these GEMMs at the sizes studied
 * (test/bench/nets.bench.ts prints the rates).
 *
 * Layouts (row-major): JA, the Jacobian of layer l's input jets, is F × (K·P) with element
 * [j][(i·C + c)·P + q]; JZd = W_l · JA is w × (K·P); Ã, the local Jacobian of z_{l,u} in
 * (W_l[u][·], b_l[u]), is K × (F + 1) and the same for every unit u.
 * Only the lower triangle is accumulated and then mirrored, so H is exactly symmetric.
 */
export function lossHessian(loss: BasisLoss, theta: Float64Array, pass: LossPass): Float64Array {
  const { net, N } = loss;
  const { layout, shape } = net;
  const C = shape.channels;
  const n = layout.dim;
  const L = layout.widths.length;
  const K = N * C;
  const H = new Float64Array(n * n);
  const J = new Float64Array(N * n); // rows ∇r_i
  let JA: Float64Array = new Float64Array(0);
  for (let l = 0; l < L; l++) {
    const w = layout.widths[l];
    const F = fanIn(layout, l);
    const P = layout.prefix[l];
    const prev = l === 0 ? pass.fw.x0 : pass.fw.a[l - 1];
    // Ã and its transpose: [(i, c)][j] = a_{l−1,i,j,c}; the bias column is the value channel's 1.
    const At = new Float64Array((F + 1) * K);
    for (let i = 0; i < N; i++)
      for (let c = 0; c < C; c++) {
        const k = i * C + c;
        for (let j = 0; j < F; j++) At[j * K + k] = prev[(i * F + j) * C + c];
        At[F * K + k] = c === 0 ? 1 : 0;
      }
    const JZd = new Float64Array(w * K * P);
    if (P > 0) matmul(w, K * P, F, theta.subarray(layout.offW[l], layout.offW[l] + w * F), JA, JZd);
    const { D, M } = unitMatrices(loss, pass, l);
    if (P > 0) earlierBlocks(loss, pass, l, H, JA, JZd, At, M);
    ownBlocks(loss, l, H, At, M);
    JA = l === L - 1 ? JA : nextJacobian(loss, l, JZd, At, D);
    if (l === L - 1) outputBlocks(loss, theta, pass, H, J, JZd, At, D);
  }
  // Gauss–Newton part (2/N) JᵀJ.
  const JT = new Float64Array(n * N);
  for (let i = 0; i < N; i++) for (let q = 0; q < n; q++) JT[q * N + i] = J[i * n + q];
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

/**
 * Layer l's sizes: N points, C channels, n parameters, w units, fan-in F, P parameters in earlier
 * layers, K = N·C (point, channel) pairs; and the offsets of W_l and b_l in θ.
 */
function layerSizes(loss: BasisLoss, l: number) {
  const { N } = loss;
  const { layout, shape } = loss.net;
  const C = shape.channels;
  return {
    N,
    C,
    n: layout.dim,
    w: layout.widths[l],
    F: fanIn(layout, l),
    P: layout.prefix[l],
    K: N * C,
    Wo: layout.offW[l],
    Bo: layout.offB[l],
  };
}

/** D = ∂a/∂z and M (the adjoint-weighted jet Hessian) of every (unit, point), w × N × C². */
function unitMatrices(loss: BasisLoss, pass: LossPass, l: number) {
  const { N } = loss;
  const { d, channels: C } = loss.net.shape;
  const w = loss.net.layout.widths[l];
  const D = new Float64Array(w * N * C * C);
  const M = new Float64Array(w * N * C * C);
  const z = pass.fw.z[l];
  const s = pass.fw.s[l];
  const dTmp = new Float64Array(C * C);
  const mTmp = new Float64Array(C * C);
  for (let i = 0; i < N; i++)
    for (let u = 0; u < w; u++) {
      const zo = (i * w + u) * C;
      jetJacobian(d, C, z, zo, s, (i * w + u) * 5, dTmp);
      jetCurvature(d, C, z, zo, s, (i * w + u) * 5, pass.abar[l], zo, mTmp);
      D.set(dTmp, (u * N + i) * C * C);
      M.set(mTmp, (u * N + i) * C * C);
    }
  return { D, M };
}

/**
 * out[(i·C + c1)][u][e] = Σ_c2 M_{u,i}[c1][c2] · src[u·uStride + (i·C + c2)·kStride + e·eStride],
 * e < len: each (unit, point)'s C × C matrix applied to its C source rows, written in the
 * (point-channel, unit, element) layout that the GEMMs below take as a K × (w·len) operand.
 * Serves both M·JZd (rows per unit) and M·Ã (one Ã for every unit: uStride 0).
 */
function applyPerUnitPoint(
  w: number,
  N: number,
  C: number,
  len: number,
  M: Float64Array,
  src: Float64Array,
  uStride: number,
  kStride: number,
  eStride: number,
): Float64Array {
  const out = new Float64Array(N * C * w * len);
  for (let u = 0; u < w; u++)
    for (let i = 0; i < N; i++) {
      const mo = (u * N + i) * C * C;
      for (let c1 = 0; c1 < C; c1++) {
        const oo = ((i * C + c1) * w + u) * len;
        for (let c2 = 0; c2 < C; c2++) {
          const m = M[mo + c1 * C + c2];
          if (m === 0) continue;
          const so = u * uStride + (i * C + c2) * kStride;
          for (let e = 0; e < len; e++) out[oo + e] += m * src[so + e * eStride];
        }
      }
    }
  return out;
}

/** Earlier × earlier (JZdᵀ M JZd) and own rows × earlier (Ãᵀ M JZd, and z̄ · JA for W_l · a). */
function earlierBlocks(
  loss: BasisLoss,
  pass: LossPass,
  l: number,
  H: Float64Array,
  JA: Float64Array,
  JZd: Float64Array,
  At: Float64Array,
  M: Float64Array,
): void {
  const { N, C, n, w, F, P, K, Wo, Bo } = layerSizes(loss, l);
  // Y = M · JZd, both the (K·w) × P operand of JZdᵀ M JZd and the K × (w·P) operand of Ãᵀ Y.
  const Y = applyPerUnitPoint(w, N, C, P, M, JZd, K * P, P, 1);
  // JZd transposed, its rows in Y's (point-channel, unit) order: P × (K·w).
  const rows = w * K;
  const Xt = new Float64Array(P * rows);
  for (let u = 0; u < w; u++)
    for (let k = 0; k < K; k++) {
      const src = (u * K + k) * P;
      const col = k * w + u;
      for (let q = 0; q < P; q++) Xt[q * rows + col] = JZd[src + q];
    }
  const G = new Float64Array(P * P);
  matmul(P, P, rows, Xt, Y, G);
  for (let p = 0; p < P; p++) for (let q = 0; q <= p; q++) H[p * n + q] += G[p * P + q];
  // Own rows × earlier, activation part, all units at once: Ãᵀ (F+1 × K) · Y (K × w·P).
  const T = new Float64Array((F + 1) * w * P);
  matmul(F + 1, w * P, K, At, Y, T);
  for (let j = 0; j <= F; j++)
    for (let u = 0; u < w; u++) {
      const ho = (j === F ? Bo + u : Wo + u * F + j) * n;
      const to = (j * w + u) * P;
      for (let q = 0; q < P; q++) H[ho + q] += T[to + q];
    }
  // Own rows × earlier, bilinear part, all inputs at once: Z̄ (w × K) · JA as K × (F·P).
  const Zb = new Float64Array(w * K);
  const zb = pass.zbar[l];
  for (let i = 0; i < N; i++)
    for (let u = 0; u < w; u++) for (let c = 0; c < C; c++) Zb[u * K + i * C + c] = zb[(i * w + u) * C + c];
  const JAk = new Float64Array(K * F * P);
  for (let j = 0; j < F; j++)
    for (let k = 0; k < K; k++) JAk.set(JA.subarray((j * K + k) * P, (j * K + k + 1) * P), (k * F + j) * P);
  const U = new Float64Array(w * F * P);
  matmul(w, F * P, K, Zb, JAk, U);
  for (let u = 0; u < w; u++)
    for (let j = 0; j < F; j++) {
      const ho = (Wo + u * F + j) * n;
      const uo = (u * F + j) * P;
      for (let q = 0; q < P; q++) H[ho + q] += U[uo + q];
    }
}

/** Own rows × own rows: per unit, Ãᵀ M Ã ((F+1) × (F+1)), lower triangle (the bias row is last). */
function ownBlocks(loss: BasisLoss, l: number, H: Float64Array, At: Float64Array, M: Float64Array): void {
  const { N, C, n, w, F, K, Wo, Bo } = layerSizes(loss, l);
  const F1 = F + 1;
  // M_u Ã for every unit, side by side: K × (w·(F+1)); then one GEMM Ãᵀ · that.
  const Bm = applyPerUnitPoint(w, N, C, F1, M, At, 0, 1, K);
  const T = new Float64Array(F1 * w * F1);
  matmul(F1, w * F1, K, At, Bm, T);
  for (let u = 0; u < w; u++)
    for (let j1 = 0; j1 < F1; j1++) {
      const r1 = j1 === F ? Bo + u : Wo + u * F + j1;
      const to = (j1 * w + u) * F1;
      for (let j2 = 0; j2 <= j1; j2++) {
        const r2 = j2 === F ? Bo + u : Wo + u * F + j2;
        H[r1 * n + r2] += T[to + j2];
      }
    }
}

/**
 * The Jacobian of layer l's activation jets in the parameters of layers 1 … l, laid out as the
 * next layer's input: w × (K · P_{l+1}), [u][(i,c)][q] = Σ_c' D[c][c'] Jz[u][(i,c')][q], where Jz
 * is JZd on the earlier columns and Ã on unit u's own row and bias (zero on other units' rows).
 */
function nextJacobian(
  loss: BasisLoss,
  l: number,
  JZd: Float64Array,
  At: Float64Array,
  D: Float64Array,
): Float64Array {
  const { N, C, w, F, P, K, Wo, Bo } = layerSizes(loss, l);
  const Pn = loss.net.layout.prefix[l + 1];
  const out = new Float64Array(w * K * Pn);
  for (let u = 0; u < w; u++)
    for (let i = 0; i < N; i++) {
      const mo = (u * N + i) * C * C;
      for (let c1 = 0; c1 < C; c1++) {
        const oo = (u * K + i * C + c1) * Pn;
        for (let c2 = 0; c2 < C; c2++) {
          const b = D[mo + c1 * C + c2];
          if (b === 0) continue;
          const jo = (u * K + i * C + c2) * P;
          for (let q = 0; q < P; q++) out[oo + q] += b * JZd[jo + q];
          const k2 = i * C + c2;
          for (let j = 0; j < F; j++) out[oo + Wo + u * F + j] += b * At[j * K + k2];
          out[oo + Bo + u] += b * At[F * K + k2];
        }
      }
    }
  return out;
}

/**
 * The output c · ψ at the last layer: JΨ_{i,u} = β · Jz_{i,u} with β = αᵀ D; then the c_u rows
 * H[c_u][q] += Σ_i ρ_i JΨ_{i,u}[q] (ρ_i = 2r_i/N, the adjoint of r_i), and the residual
 * gradients J_i = Σ_u c_u JΨ_{i,u} on the inner columns, ψ_i on the outer ones.
 */
function outputBlocks(
  loss: BasisLoss,
  theta: Float64Array,
  pass: LossPass,
  H: Float64Array,
  J: Float64Array,
  JZd: Float64Array,
  At: Float64Array,
  D: Float64Array,
): void {
  const { alpha } = loss;
  const { offC } = loss.net.layout;
  const { N, C, n, w, F, P, K, Wo, Bo } = layerSizes(loss, loss.net.layout.widths.length - 1);
  const beta = new Float64Array(C);
  for (let u = 0; u < w; u++) {
    const hc = (offC + u) * n;
    const cu = theta[offC + u];
    for (let i = 0; i < N; i++) {
      const rho = (2 * pass.r[i]) / N;
      const mo = (u * N + i) * C * C;
      for (let c2 = 0; c2 < C; c2++) {
        let v = 0;
        for (let c1 = 0; c1 < C; c1++) v += alpha[i * C + c1] * D[mo + c1 * C + c2];
        beta[c2] = v;
      }
      const jr = i * n;
      for (let c2 = 0; c2 < C; c2++) {
        const b = beta[c2];
        if (b === 0) continue;
        const jo = (u * K + i * C + c2) * P;
        for (let q = 0; q < P; q++) {
          const v = b * JZd[jo + q];
          H[hc + q] += rho * v;
          J[jr + q] += cu * v;
        }
        const k2 = i * C + c2;
        for (let j = 0; j <= F; j++) {
          const q = j === F ? Bo + u : Wo + u * F + j;
          const v = b * At[j * K + k2];
          H[hc + q] += rho * v;
          J[jr + q] += cu * v;
        }
      }
      J[jr + offC + u] = pass.psi[i * w + u];
    }
  }
}
