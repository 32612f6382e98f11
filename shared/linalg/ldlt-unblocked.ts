/**
 * The unblocked Bunch–Kaufman elimination (LAPACK dsytf2 'L') on the lower triangle of a row-major
 * working copy, from column k0 on: every inner loop runs along a row, the pivot's column first
 * copied to a contiguous buffer. ldlt-blocked.ts uses it for its last panel and small matrices.
 */

/**
 * Bunch–Kaufman's α = (1 + √17)/8 ≈ 0.64 minimizes the bound on element growth per eliminated
 * column when a 2×2 pivot step is weighed against two 1×1 steps; it bounds the growth of the
 * Schur complements by (1 + 1/α)ⁿ⁻¹ ≈ 2.57ⁿ⁻¹, like partial pivoting's 2ⁿ⁻¹.
 */
export const ALPHA = (1 + Math.sqrt(17)) / 8;

/**
 * Factors m (lower triangle; columns < k0 already hold L) in place: L below the diagonal, D's blocks
 * on it (a 2×2 block's off-diagonal at (k+1, k)); records interchanges in perm, block sizes in
 * block (1; or 2 then 0), and each eigenvalue of D's blocks through `count`.
 */
export function factorUnblocked(
  m: Float64Array,
  n: number,
  perm: Int32Array,
  block: Uint8Array,
  count: (d: number) => void,
  k0 = 0,
): void {
  const w0 = new Float64Array(n);
  const w1 = new Float64Array(n);
  let k = k0;
  while (k < n) {
    const akk = Math.abs(m[k * n + k]);
    let colmax = 0;
    let imax = k;
    for (let i = k + 1; i < n; i++) {
      const x = Math.abs(m[i * n + k]);
      if (x > colmax) {
        colmax = x;
        imax = i;
      }
    }
    let step = 1;
    if (akk < ALPHA * colmax) {
      // Largest off-diagonal entry of row/column imax in the active block (lower storage).
      let rowmax = 0;
      for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(m[imax * n + j]));
      for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, Math.abs(m[i * n + imax]));
      // rowmax >= |A[imax,k]| = colmax > 0, so the tests below compare finite nonzero quantities.
      if (akk * rowmax >= ALPHA * colmax * colmax) {
        // a_kk is large enough relative to the growth it would cause: 1×1 pivot, no interchange.
      } else if (Math.abs(m[imax * n + imax]) >= ALPHA * rowmax) swap(m, n, perm, k, imax);
      else {
        swap(m, n, perm, k + 1, imax);
        step = 2;
      }
    }
    if (step === 1) {
      block[k] = 1;
      const d = m[k * n + k];
      count(d);
      // d = 0 only when the whole column below it is zero too (otherwise α·colmax > 0 = |d| and the
      // pivot choice above brought in a nonzero diagonal or took a 2×2 step): L's column is zero.
      if (d !== 0) {
        for (let i = k + 1; i < n; i++) w0[i] = m[i * n + k];
        const inv = 1 / d;
        for (let i = k + 1; i < n; i++) {
          const li = w0[i] * inv;
          const row = i * n;
          if (li !== 0) for (let j = k + 1; j <= i; j++) m[row + j] -= li * w0[j];
          m[row + k] = li;
        }
      }
    } else {
      block[k] = 2;
      block[k + 1] = 0;
      const p = m[k * n + k];
      const q = m[(k + 1) * n + k];
      const r = m[(k + 1) * n + k + 1];
      // The two eigenvalues of [[p, q], [q, r]], the larger in magnitude first; the other from the
      // determinant, which avoids cancellation. rad >= |q| = colmax > 0, so big != 0.
      const mean = (p + r) / 2;
      const rad = Math.hypot((p - r) / 2, q);
      const big = mean >= 0 ? mean + rad : mean - rad;
      count(big);
      count((p / big) * r - (q / big) * q);
      // Scaled inverse as in dsytf2: the tests that chose this pivot give |p|·rowmax < α q² and
      // |r| < α·rowmax, so |p r / q²| < α² ≈ 0.41 and d11·d22 − 1 lies in (−1.41, −0.59): t is
      // bounded and D's block always has one positive and one negative eigenvalue.
      const d11 = r / q;
      const d22 = p / q;
      const tq = 1 / (d11 * d22 - 1) / q;
      for (let i = k + 2; i < n; i++) {
        w0[i] = m[i * n + k];
        w1[i] = m[i * n + k + 1];
      }
      for (let i = k + 2; i < n; i++) {
        const row = i * n;
        const l0 = tq * (d11 * w0[i] - w1[i]);
        const l1 = tq * (d22 * w1[i] - w0[i]);
        for (let j = k + 2; j <= i; j++) m[row + j] -= l0 * w0[j] + l1 * w1[j];
        m[row + k] = l0;
        m[row + k + 1] = l1;
      }
    }
    k += step;
  }
}

/**
 * Symmetric interchange of indices p < q in the lower-stored matrix: rows p and q of L (columns
 * below the active block) move with them.
 */
export function swap(m: Float64Array, n: number, perm: Int32Array, p: number, q: number): void {
  if (p === q) return;
  const rp = p * n;
  const rq = q * n;
  let t: number;
  for (let j = 0; j < p; j++) {
    t = m[rp + j];
    m[rp + j] = m[rq + j];
    m[rq + j] = t;
  }
  t = m[rp + p];
  m[rp + p] = m[rq + q];
  m[rq + q] = t;
  for (let j = p + 1; j < q; j++) {
    t = m[j * n + p];
    m[j * n + p] = m[rq + j];
    m[rq + j] = t;
  }
  for (let i = q + 1; i < n; i++) {
    t = m[i * n + p];
    m[i * n + p] = m[i * n + q];
    m[i * n + q] = t;
  }
  t = perm[p];
  perm[p] = perm[q];
  perm[q] = t;
}
