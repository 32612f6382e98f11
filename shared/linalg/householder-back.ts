/**
 * Back-transformation Z ← Q Z with Q = H₀ H₁ ⋯ H_{n−2} from the tridiagonal reduction, applied in
 * blocks of NB reflectors in compact WY form (LAPACK dlarft 'F','C' + dlarfb): H_j ⋯ H_{j+nb−1} =
 * I − V T Vᵀ, so Z −= V (T (Vᵀ Z)): ≈ n³ multiply-adds for a square Z. With WebAssembly SIMD the
 * whole transformation runs in the kernel's memory (householder-back-simd.ts); otherwise the three
 * products of each block go through gemm.ts.
 */
import { matmul } from './gemm.js';
import { applyQSimd } from './householder-back-simd.js';
import { formT } from './householder-wy.js';
import { simd } from './simd-kernel.js';

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
  if (simd) {
    applyQSimd(simd, reflectors, tau, n, z, cols);
    return;
  }
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
