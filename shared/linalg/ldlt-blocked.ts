/**
 * Blocked Bunch–Kaufman (LAPACK dsytrf/dlasyf 'L'): panels of NB columns are factored with the
 * same pivot choices as the unblocked code, each column brought up to date only when it is needed
 * (Ã = A − L Wᵀ over the panel, W = L D); the trailing matrix then takes the whole panel's update
 * A₂₂ −= L Wᵀ at once, lower triangle only, through the SIMD kernel. Same storage and results
 * layout as factorUnblocked; the last panel is factored unblocked.
 */
import { ALPHA, factorUnblocked } from './ldlt-unblocked.js';
import type { SimdGemm } from './simd-kernel.js';

const NB = 32;

export function factorBlocked(
  kernel: SimdGemm,
  m: Float64Array,
  n: number,
  perm: Int32Array,
  block: Uint8Array,
  count: (d: number) => void,
): void {
  // W: row i (global), column t (local pivot index in the panel); one spare column for row imax.
  const ws = NB + 1;
  const w = new Float64Array(n * ws);
  let k = 0;
  while (n - k > NB) {
    const k0 = k;
    while (k - k0 < NB) {
      const t = k - k0;
      // Column k brought up to date: Ã(i, k) = A(i, k) − Σ_u L(i, k0+u) W(k, u), for i >= k.
      updatedColumn(m, n, w, ws, k0, t, k, k, t);
      const akk = Math.abs(w[k * ws + t]);
      let colmax = 0;
      let imax = k;
      for (let i = k + 1; i < n; i++) {
        const x = Math.abs(w[i * ws + t]);
        if (x > colmax) {
          colmax = x;
          imax = i;
        }
      }
      let step = 1;
      let kp = k;
      if (akk < ALPHA * colmax) {
        // Row/column imax brought up to date into W's column t + 1.
        updatedColumn(m, n, w, ws, k0, t, k, imax, t + 1);
        let rowmax = 0;
        for (let j = k; j < n; j++) if (j !== imax) rowmax = Math.max(rowmax, Math.abs(w[j * ws + t + 1]));
        // rowmax >= |Ã(imax, k)| = colmax > 0: the tests compare finite nonzero quantities.
        if (akk * rowmax >= ALPHA * colmax * colmax) {
          // a_kk is large enough relative to the growth it would cause: 1×1 pivot, no interchange.
        } else if (Math.abs(w[imax * ws + t + 1]) >= ALPHA * rowmax) {
          kp = imax;
          for (let i = k; i < n; i++) w[i * ws + t] = w[i * ws + t + 1];
        } else {
          kp = imax;
          step = 2;
        }
      }
      const kk = k + step - 1;
      if (kp !== kk) interchange(m, n, w, ws, perm, kk, kp, t + 1);
      if (step === 1) {
        block[k] = 1;
        const d = w[k * ws + t];
        count(d);
        m[k * n + k] = d;
        // d = 0 only when the whole updated column is zero (see ldlt-unblocked.ts): L's column is zero.
        const inv = d !== 0 ? 1 / d : 0;
        for (let i = k + 1; i < n; i++) m[i * n + k] = w[i * ws + t] * inv;
      } else {
        block[k] = 2;
        block[k + 1] = 0;
        const p = w[k * ws + t];
        const q = w[(k + 1) * ws + t];
        const r = w[(k + 1) * ws + t + 1];
        // Eigenvalues of the block and the scaled inverse: see ldlt-unblocked.ts (|q| = colmax > 0).
        const mean = (p + r) / 2;
        const rad = Math.hypot((p - r) / 2, q);
        const big = mean >= 0 ? mean + rad : mean - rad;
        count(big);
        count((p / big) * r - (q / big) * q);
        m[k * n + k] = p;
        m[(k + 1) * n + k] = q;
        m[(k + 1) * n + k + 1] = r;
        const d11 = r / q;
        const d22 = p / q;
        const tq = 1 / (d11 * d22 - 1) / q;
        for (let i = k + 2; i < n; i++) {
          const x0 = w[i * ws + t];
          const x1 = w[i * ws + t + 1];
          m[i * n + k] = tq * (d11 * x0 - x1);
          m[i * n + k + 1] = tq * (d22 * x1 - x0);
        }
      }
      k += step;
    }
    trailingUpdate(kernel, m, n, w, ws, k0, k);
  }
  factorUnblocked(m, n, perm, block, count, k);
}

/**
 * W(i, dst) = Ã(i, col) for i >= k, where Ã = A − Σ_{u < t} L(·, k0+u) W(·, u)ᵀ and A's column
 * `col` is read from the lower triangle (row `col` left of the diagonal, column `col` below).
 */
function updatedColumn(
  m: Float64Array,
  n: number,
  w: Float64Array,
  ws: number,
  k0: number,
  t: number,
  k: number,
  col: number,
  dst: number,
): void {
  const wc = col * ws;
  for (let i = k; i < n; i++) {
    let s = i < col ? m[col * n + i] : m[i * n + col];
    const li = i * n + k0;
    for (let u = 0; u < t; u++) s -= m[li + u] * w[wc + u];
    w[i * ws + dst] = s;
  }
}

/**
 * Interchange of kk < kp inside a panel (dlasyf): column kk's not-yet-updated entries move to kp
 * (kk's own updated values already sit in W), and rows kk, kp swap in L and in W's columns <= last.
 */
function interchange(
  m: Float64Array,
  n: number,
  w: Float64Array,
  ws: number,
  perm: Int32Array,
  kk: number,
  kp: number,
  last: number,
): void {
  m[kp * n + kp] = m[kk * n + kk];
  for (let j = kk + 1; j < kp; j++) m[kp * n + j] = m[j * n + kk];
  for (let i = kp + 1; i < n; i++) m[i * n + kp] = m[i * n + kk];
  let tmp: number;
  for (let j = 0; j < kk; j++) {
    tmp = m[kk * n + j];
    m[kk * n + j] = m[kp * n + j];
    m[kp * n + j] = tmp;
  }
  for (let u = 0; u <= last; u++) {
    tmp = w[kk * ws + u];
    w[kk * ws + u] = w[kp * ws + u];
    w[kp * ws + u] = tmp;
  }
  tmp = perm[kk];
  perm[kk] = perm[kp];
  perm[kp] = tmp;
}

/**
 * A(k:, k:) −= L(k:, k0:k) W(k:, 0:kb)ᵀ on the lower triangle, through the kernel: −L as row
 * panels, Wᵀ and the trailing block as column strips; strip s is updated from its diagonal row 4s
 * down (its part above is the unused upper triangle).
 */
function trailingUpdate(
  kernel: SimdGemm,
  m: Float64Array,
  n: number,
  w: Float64Array,
  ws: number,
  k0: number,
  k: number,
): void {
  const kb = k - k0;
  const rows = n - k;
  const rows4 = (rows + 3) & ~3;
  const strips = rows4 >> 2;
  const aOff = 0;
  const bOff = aOff + rows4 * kb;
  const cOff = bOff + rows4 * kb;
  kernel.reserve(cOff + rows4 * rows4);
  const f = kernel.view();
  f.fill(0, 0, cOff + rows4 * rows4);
  for (let i = 0; i < rows; i++) {
    const li = (k + i) * n + k0;
    const wi = (k + i) * ws;
    const a = aOff + (i >> 2) * 4 * kb + (i & 3);
    const b = bOff + (i >> 2) * 4 * kb + (i & 3);
    for (let u = 0; u < kb; u++) {
      f[a + 4 * u] = -m[li + u];
      f[b + 4 * u] = w[wi + u];
    }
    // Row i of the trailing block up to the end of its diagonal 4×4 block.
    const row = (k + i) * n + k;
    const end = Math.min(rows, (i | 3) + 1);
    for (let c = 0; c < end; c++) f[cOff + (c >> 2) * 4 * rows4 + 4 * i + (c & 3)] = m[row + c];
  }
  for (let s = 0; s < strips; s++)
    kernel.gemm(
      rows4 - 4 * s,
      1,
      kb,
      aOff + s * 4 * kb,
      bOff + s * 4 * kb,
      0,
      cOff + s * 4 * rows4 + 16 * s,
      0,
    );
  for (let i = 0; i < rows; i++) {
    const row = (k + i) * n + k;
    const end = Math.min(rows, (i | 3) + 1);
    for (let c = 0; c < end; c++) m[row + c] = f[cOff + (c >> 2) * 4 * rows4 + 4 * i + (c & 3)];
  }
}
