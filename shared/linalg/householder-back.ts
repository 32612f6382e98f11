/**
 * Back-transformation Z ← Q Z with Q = H₀ H₁ ⋯ H_{n−2} from the tridiagonal reduction, applied in
 * blocks of NB reflectors in compact WY form (LAPACK dlarft 'F','C' + dlarfb): H_j ⋯ H_{j+nb−1} =
 * I − V T Vᵀ, so Z −= V (T (Vᵀ Z)). The three products go through gemm.ts; ≈ n³ multiply-adds
 * for a square Z.
 */
import { matmul } from './gemm.js';

/** Reflectors per block: T stays small while each product reuses a loaded Z entry NB times. */
const NB = 32;

/**
 * reflectors: n × n row-major, row i = vᵢ (zero at indices <= i, vᵢ[i + 1] = 1); tau: τᵢ.
 * z: n × cols row-major, overwritten with Q z.
 */
export function applyQ(
  reflectors: Float64Array,
  tau: Float64Array,
  n: number,
  z: Float64Array,
  cols: number,
): void {
  const count = n - 1;
  if (count <= 0) return;
  const vp = new Float64Array(NB * n);
  const vt = new Float64Array(n * NB);
  const w = new Float64Array(NB * cols);
  const tw = new Float64Array(NB * cols);
  const t = new Float64Array(NB * NB);
  for (let j = Math.floor((count - 1) / NB) * NB; j >= 0; j -= NB) {
    const nb = Math.min(NB, count - j);
    // Only rows r0… of Z are touched: vᵢ vanishes above i + 1 >= j + 1.
    const r0 = j + 1;
    const rows = n - r0;
    for (let b = 0; b < nb; b++) {
      const src = (j + b) * n + r0;
      const dst = b * rows;
      for (let r = 0; r < rows; r++) {
        const x = reflectors[src + r];
        vp[dst + r] = x;
        vt[r * nb + b] = -x;
      }
    }
    formT(vp, tau, rows, j, nb, t);
    const zb = z.subarray(r0 * cols);
    matmul(nb, cols, rows, vp, zb, w); // W = Vᵀ Z
    matmul(nb, cols, nb, t, w, tw); // TW = T W
    matmul(rows, cols, nb, vt, tw, zb, true); // Z += (−V) TW
  }
}

/**
 * dlarft forward/columnwise on the packed block (row b = v_{j+b} from row r0 on, `rows` long;
 * v_{j+b} vanishes before its local index b): T[0:b, b] = −τ T[0:b, 0:b] (V[:, 0:b]ᵀ v_b), T[b, b] = τ.
 * T is nb × nb row-major.
 */
function formT(vp: Float64Array, tau: Float64Array, rows: number, j: number, nb: number, t: Float64Array) {
  t.fill(0, 0, nb * nb);
  for (let b = 0; b < nb; b++) {
    const tb = tau[j + b];
    t[b * nb + b] = tb;
    if (tb === 0) continue;
    const vb = b * rows;
    for (let q = 0; q < b; q++) {
      const vq = q * rows;
      let s = 0;
      for (let r = b; r < rows; r++) s += vp[vq + r] * vp[vb + r];
      t[q * nb + b] = s;
    }
    // In place, top-down: row q reads only entries q… of column b, which still hold the products.
    for (let q = 0; q < b; q++) {
      let s = 0;
      for (let p = q; p < b; p++) s += t[q * nb + p] * t[p * nb + b];
      t[q * nb + b] = -tb * s;
    }
  }
}
