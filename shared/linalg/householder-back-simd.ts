/**
 * applyQ (householder-back.ts) with Z resident in the SIMD kernel's memory, stored in its column
 * strip layout for the whole transformation, so that each block's three products run back to back
 * with only the small V, T and V-transposed blocks packed in between.
 *
 * Memory map (doubles): Z strips (height H = n + 4: a product on rows r0… pads its row count up to
 * a multiple of four, and the padding rows stay zero because the padded rows of −V are zero), then
 * Vᵀ panels, W strips, T panels, TW strips and −V panels.
 */
import { formT } from './householder-wy.js';
import type { SimdGemm } from './simd-kernel.js';

const NB = 32;

export function applyQSimd(
  k: SimdGemm,
  reflectors: Float64Array,
  tau: Float64Array,
  n: number,
  z: Float64Array,
  cols: number,
): void {
  const count = n - 1;
  const h = n + 4;
  const strips = (cols + 3) >> 2;
  const zOff = 0;
  const vtOff = zOff + strips * 4 * h;
  const wOff = vtOff + NB * n;
  const tOff = wOff + strips * 4 * NB;
  const twOff = tOff + NB * NB;
  const vOff = twOff + strips * 4 * NB;
  k.reserve(vOff + (n + 4) * NB);
  const f = k.view();
  f.fill(0, 0, vOff + (n + 4) * NB);
  for (let r = 0; r < n; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) f[zOff + (c >> 2) * 4 * h + 4 * r + (c & 3)] = z[src + c];
  }
  const vp = new Float64Array(NB * n);
  const t = new Float64Array(NB * NB);
  for (let j = Math.floor((count - 1) / NB) * NB; j >= 0; j -= NB) {
    const nb = Math.min(NB, count - j);
    const nb4 = (nb + 3) & ~3;
    // Rows r0… of Z are the ones touched: vᵢ vanishes above i + 1 >= j + 1.
    const r0 = j + 1;
    const rows = n - r0;
    const rows4 = (rows + 3) & ~3;
    for (let b = 0; b < nb; b++) {
      const src = (j + b) * n + r0;
      vp.set(reflectors.subarray(src, src + rows), b * rows);
    }
    formT(vp, tau, rows, j, nb, t);
    // Vᵀ as nb4 × rows panels; −V as rows4 × nb panels; T as nb4 × nb panels (padding rows zero).
    f.fill(0, vtOff, vtOff + nb4 * rows);
    f.fill(0, vOff, vOff + rows4 * nb);
    f.fill(0, tOff, tOff + nb4 * nb);
    for (let b = 0; b < nb; b++) {
      const row = b * rows;
      const vt = vtOff + (b >> 2) * 4 * rows + (b & 3);
      for (let q = 0; q < rows; q++) {
        const x = vp[row + q];
        f[vt + 4 * q] = x;
        f[vOff + (q >> 2) * 4 * nb + 4 * b + (q & 3)] = -x;
      }
      for (let q = 0; q < nb; q++) f[tOff + (b >> 2) * 4 * nb + 4 * q + (b & 3)] = t[b * nb + q];
    }
    f.fill(0, wOff, wOff + strips * 4 * nb4);
    f.fill(0, twOff, twOff + strips * 4 * nb4);
    k.gemm(nb4, strips, rows, vtOff, zOff + 4 * r0, 4 * h, wOff, 4 * nb4); // W = Vᵀ Z
    k.gemm(nb4, strips, nb, tOff, wOff, 4 * nb4, twOff, 4 * nb4); // TW = T W
    k.gemm(rows4, strips, nb, vOff, twOff, 4 * nb4, zOff + 4 * r0, 4 * h); // Z += (−V) TW
  }
  for (let r = 0; r < n; r++) {
    const dst = r * cols;
    for (let c = 0; c < cols; c++) z[dst + c] = f[zOff + (c >> 2) * 4 * h + 4 * r + (c & 3)];
  }
}
