/**
 * Symmetric indefinite factorization P A Pᵀ = L D Lᵀ with Bunch–Kaufman partial pivoting
 * (1×1 and 2×2 pivots; Bunch & Kaufman 1977, Golub & Van Loan §4.4, LAPACK dsytf2 'L'), on flat
 * row-major Float64Array. Unlike Cholesky it does not fail at a saddle, and Sylvester's law of
 * inertia reads the signs of A's eigenvalues off D for free. n³/6 multiply-adds.
 *
 * Only the lower triangle of the working copy is touched, by rows, so every inner loop runs over
 * contiguous memory; the pivot's column is first copied into a contiguous buffer.
 */
export interface Inertia {
  readonly positive: number;
  readonly negative: number;
  readonly zero: number;
}

export class SingularMatrixError extends Error {
  override readonly name = 'SingularMatrixError';
}

export interface LDLT {
  readonly n: number;
  /** Eigenvalue sign counts of A, from the eigenvalues of D's 1×1 and 2×2 blocks. */
  readonly inertia: Inertia;
  /** Some eigenvalue of a block of D has |d| <= zeroTol · max|Aᵢⱼ|. */
  readonly singular: boolean;
  /** Solves A x = b; throws SingularMatrixError when `singular`. */
  solve(b: Float64Array, out?: Float64Array): Float64Array;
}

/**
 * Bunch–Kaufman's α = (1 + √17)/8 ≈ 0.64 minimizes the bound on element growth per eliminated
 * column when a 2×2 pivot step is weighed against two 1×1 steps; it bounds the growth of the
 * Schur complements by (1 + 1/α)ⁿ⁻¹ ≈ 2.57ⁿ⁻¹, like partial pivoting's 2ⁿ⁻¹.
 */
const ALPHA = (1 + Math.sqrt(17)) / 8;

export function ldlt(a: Float64Array, n: number, opts: { zeroTol?: number } = {}): LDLT {
  if (a.length !== n * n) throw new RangeError(`ldlt: matrix has ${a.length} entries, expected ${n}×${n}`);
  const m = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  /** block[k] = 1 for a 1×1 pivot at k; 2 at the first index of a 2×2 pivot, 0 at its second. */
  const block = new Uint8Array(n);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  // A pivot is "zero" when it is at the level of the rounding errors the elimination commits,
  // about n·ε·max|Aᵢⱼ| (the backward error bound of LDLᵀ, up to the growth factor).
  const cut = (opts.zeroTol ?? n * 2 ** -52) * scale;
  let positive = 0;
  let negative = 0;
  let zero = 0;
  const count = (d: number) => {
    // !(|d| > cut) also sends a NaN pivot to `zero`, which makes the factorization singular.
    if (!(Math.abs(d) > cut)) zero++;
    else if (d > 0) positive++;
    else negative++;
  };
  const w0 = new Float64Array(n);
  const w1 = new Float64Array(n);
  let k = 0;
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
  const singular = zero > 0;
  return {
    n,
    inertia: { positive, negative, zero },
    singular,
    solve(b, out = new Float64Array(n)) {
      if (singular)
        throw new SingularMatrixError(
          `ldlt: the ${n}×${n} matrix is singular (${zero} zero pivot${zero === 1 ? '' : 's'} in D)`,
        );
      if (b.length !== n) throw new RangeError(`ldlt.solve: b has ${b.length} entries, expected ${n}`);
      return solveFactored(m, n, perm, block, b, out);
    },
  };
}

/**
 * Symmetric interchange of indices p < q in the lower-stored matrix: rows p and q of L (columns
 * below the active block) move with them.
 */
function swap(m: Float64Array, n: number, perm: Int32Array, p: number, q: number): void {
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

function solveFactored(
  m: Float64Array,
  n: number,
  perm: Int32Array,
  block: Uint8Array,
  b: Float64Array,
  out: Float64Array,
): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = b[perm[i]];
  // L z = y, by rows: L is unit lower triangular; a 2×2 block's (k+1, k) entry belongs to D.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const lim = block[i] === 0 ? i - 1 : i;
    let s = y[i];
    for (let j = 0; j < lim; j++) s -= m[row + j] * y[j];
    y[i] = s;
  }
  // D w = z. Nonsingular here: every 1×1 pivot is nonzero, every 2×2 block has det < 0.
  for (let i = 0; i < n; i++) {
    if (block[i] === 1) y[i] /= m[i * n + i];
    else if (block[i] === 2) {
      const p = m[i * n + i];
      const q = m[(i + 1) * n + i];
      const r = m[(i + 1) * n + i + 1];
      const d11 = r / q;
      const d22 = p / q;
      const tq = 1 / (d11 * d22 - 1) / q;
      const y0 = y[i];
      const y1 = y[i + 1];
      y[i] = tq * (d11 * y0 - y1);
      y[i + 1] = tq * (d22 * y1 - y0);
    }
  }
  // Lᵀ x = w, by rows of L (column-oriented for Lᵀ) so the inner loop is contiguous.
  for (let j = n - 1; j > 0; j--) {
    const xj = y[j];
    if (xj === 0) continue;
    const row = j * n;
    const lim = block[j] === 0 ? j - 1 : j;
    for (let i = 0; i < lim; i++) y[i] -= m[row + i] * xj;
  }
  for (let i = 0; i < n; i++) out[perm[i]] = y[i];
  return out;
}
