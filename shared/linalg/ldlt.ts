/**
 * Symmetric indefinite factorization P A Pᵀ = L D Lᵀ with Bunch–Kaufman partial pivoting
 * (1×1 and 2×2 pivots; Bunch & Kaufman 1977, Golub & Van Loan §4.4, LAPACK dsytf2 'L'), on flat
 * row-major Float64Array. Unlike Cholesky it does not fail at a saddle, and Sylvester's law of
 * inertia reads the signs of A's eigenvalues off D for free. n³/6 multiply-adds.
 *
 * The elimination works on the lower triangle of a row-major copy: blocked (ldlt-blocked.ts, panels
 * with the trailing update in the SIMD kernel) from BLOCKED_MIN on when WebAssembly SIMD is there,
 * else unblocked (ldlt-unblocked.ts). Both make the same pivot choices and storage.
 */
import { factorBlocked } from './ldlt-blocked.js';
import { factorUnblocked } from './ldlt-unblocked.js';
import { simd } from './simd-kernel.js';

/** From this size on the blocked factorization (SIMD trailing updates) pays for its packing. */
const BLOCKED_MIN = 96;

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

export function ldlt(a: Float64Array, n: number, opts: { zeroTol?: number } = {}): LDLT {
  if (a.length !== n * n) throw new RangeError(`ldlt: matrix has ${a.length} entries, expected ${n}×${n}`);
  // slice and a loop, not TypedArray.from: from() walks its source through the iterator protocol,
  // a visible cost on the 2×2 systems of tiny problems' Newton steps.
  const m = a.slice();
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
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
  if (simd && n >= BLOCKED_MIN) factorBlocked(simd, m, n, perm, block, count);
  else factorUnblocked(m, n, perm, block, count);
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
