/**
 * Symmetric indefinite factorization P A Pᵀ = L D Lᵀ with Bunch–Kaufman partial pivoting
 * (1×1 and 2×2 pivots; Golub & Van Loan §4.4.4, LAPACK dsytf2), on flat row-major Float64Array.
 * Unlike Cholesky it does not fail at a saddle, and Sylvester's law of inertia reads the signs of
 * A's eigenvalues off D for free.
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
  readonly inertia: Inertia;
  /** Some pivot is zero within zeroTol · max|Aᵢⱼ|. */
  readonly singular: boolean;
  /** Solves A x = b; throws SingularMatrixError when `singular`. */
  solve(b: Float64Array, out?: Float64Array): Float64Array;
}

/** Bunch–Kaufman's α = (1 + √17)/8 bounds element growth (by (1 + 1/α)ⁿ⁻¹ ≈ 2.57ⁿ⁻¹). */
const ALPHA = (1 + Math.sqrt(17)) / 8;

export function ldlt(a: Float64Array, n: number, opts: { zeroTol?: number } = {}): LDLT {
  if (a.length !== n * n) throw new RangeError(`ldlt: matrix has ${a.length} entries, expected ${n}×${n}`);
  const m = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  /** block[k] = 1 for a 1×1 pivot at k; 2 at the first index of a 2×2 pivot, 0 at its second. */
  const block = new Uint8Array(n);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  const cut = (opts.zeroTol ?? n * 2 ** -52) * scale;
  let positive = 0;
  let negative = 0;
  let zero = 0;
  const swap = (p: number, q: number) => {
    if (p === q) return;
    for (let j = 0; j < n; j++) {
      const t = m[p * n + j];
      m[p * n + j] = m[q * n + j];
      m[q * n + j] = t;
    }
    for (let i = 0; i < n; i++) {
      const t = m[i * n + p];
      m[i * n + p] = m[i * n + q];
      m[i * n + q] = t;
    }
    const t = perm[p];
    perm[p] = perm[q];
    perm[q] = t;
  };
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
    if (Math.max(akk, colmax) > 0 && akk < ALPHA * colmax) {
      let rowmax = 0;
      for (let j = k; j < n; j++) if (j !== imax) rowmax = Math.max(rowmax, Math.abs(m[imax * n + j]));
      if (akk * rowmax >= ALPHA * colmax * colmax) {
        // a_kk is large enough relative to the off-diagonal growth: 1×1 pivot, no swap.
      } else if (Math.abs(m[imax * n + imax]) >= ALPHA * rowmax) swap(k, imax);
      else {
        swap(k + 1, imax);
        step = 2;
      }
    }
    if (step === 1) {
      block[k] = 1;
      const d = m[k * n + k];
      if (Math.abs(d) <= cut) zero++;
      else if (d > 0) positive++;
      else negative++;
      // A zero pivot with a zero column below needs no elimination: L's column stays zero.
      // Rows descend so that column k still holds A's values (not yet L's) for every row j ≤ i read below.
      if (d !== 0)
        for (let i = n - 1; i > k; i--) {
          const li = m[i * n + k] / d;
          if (li !== 0)
            for (let j = k + 1; j <= i; j++) {
              m[i * n + j] -= li * m[j * n + k];
              m[j * n + i] = m[i * n + j];
            }
          m[i * n + k] = li;
        }
      else for (let i = k + 1; i < n; i++) m[i * n + k] = 0;
    } else {
      block[k] = 2;
      block[k + 1] = 0;
      const p = m[k * n + k];
      const q = m[(k + 1) * n + k];
      const r = m[(k + 1) * n + k + 1];
      const det = p * r - q * q;
      // Bunch–Kaufman chooses a 2×2 pivot only when |q| dominates, so det ≈ −q² < 0: one eigenvalue of each sign.
      if (Math.abs(det) <= cut * cut) {
        zero++;
        if (p + r > 0) positive++;
        else negative++;
      } else if (det < 0) {
        positive++;
        negative++;
      } else if (p + r > 0) positive += 2;
      else negative += 2;
      for (let i = n - 1; i > k + 1; i--) {
        const w0 = m[i * n + k];
        const w1 = m[i * n + k + 1];
        const l0 = (w0 * r - w1 * q) / det;
        const l1 = (w1 * p - w0 * q) / det;
        for (let j = k + 2; j <= i; j++) {
          m[i * n + j] -= l0 * m[j * n + k] + l1 * m[j * n + k + 1];
          m[j * n + i] = m[i * n + j];
        }
        m[i * n + k] = l0;
        m[i * n + k + 1] = l1;
      }
    }
    k += step;
  }
  // The trailing matrix is kept symmetric (each update is mirrored) so that a pivot swap, which
  // exchanges whole rows and columns, moves valid entries; columns < k hold L (rows below the pivot).
  const singular = zero > 0;
  return {
    n,
    inertia: { positive, negative, zero },
    singular,
    solve(b, out = new Float64Array(n)) {
      if (singular) throw new SingularMatrixError('ldlt: the matrix is singular (a zero pivot in D)');
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = b[perm[i]];
      // L z = y: unit lower triangular; a 2×2 block's off-diagonal belongs to D, not L.
      for (let i = 0; i < n; i++) {
        let s = y[i];
        const lim = block[i] === 0 ? i - 1 : i;
        for (let j = 0; j < lim; j++) s -= m[i * n + j] * y[j];
        y[i] = s;
      }
      for (let i = 0; i < n; i++) {
        if (block[i] === 1) y[i] /= m[i * n + i];
        else if (block[i] === 2) {
          const p = m[i * n + i];
          const q = m[(i + 1) * n + i];
          const r = m[(i + 1) * n + i + 1];
          const det = p * r - q * q;
          const y0 = y[i];
          const y1 = y[i + 1];
          y[i] = (r * y0 - q * y1) / det;
          y[i + 1] = (p * y1 - q * y0) / det;
        }
      }
      // Lᵀ x = w.
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i];
        for (let j = i + 1; j < n; j++) if (!(block[i] === 2 && j === i + 1)) s -= m[j * n + i] * y[j];
        y[i] = s;
      }
      for (let i = 0; i < n; i++) out[perm[i]] = y[i];
      return out;
    },
  };
}
