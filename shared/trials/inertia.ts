import { eliminationSimd } from './elimination-simd.js';

/**
 * Inertia (the numbers of positive, negative and zero eigenvalues) without eigenvalues, by
 * Sylvester's law of inertia: A = P L D Lᵀ Pᵀ has the inertia of D.
 *
 * Dense: Bunch–Kaufman symmetric pivoting (1×1 and 2×2 pivots; Golub & Van Loan §4.4.4, LAPACK
 * dsytf2), specialised for inertia only: it works in place on the upper triangle of a row-major
 * matrix (row k of the upper triangle is column k of the matrix, so the pivot search and both
 * rank-1 and rank-2 updates run along contiguous rows) and neither forms L nor records the
 * permutation. On random matrices most pivots are 2×2, so most of the n³/6 multiply-adds are rank-2
 * updates (one pass over the trailing rows per two eliminations).
 * Why not shared/linalg's general `ldlt`: it copies the matrix, swaps full rows and columns and keeps
 * L for solves; this kernel is several times faster on inertia alone (test/bench/trials.bench.ts
 * compares them), which the index histogram needs against numpy.
 *
 * Tridiagonal: the Sturm count, i.e. LDLᵀ of T − σI without pivoting, whose inertia count is
 * backward stable (Kahan 1966; Demmel, Applied Numerical Linear Algebra, §5.3.4).
 */
export interface Inertia {
  readonly positive: number;
  readonly negative: number;
  readonly zero: number;
}

/** Bunch–Kaufman's α = (1 + √17)/8 bounds element growth by (1 + 1/α)ⁿ⁻¹ ≈ 2.57ⁿ⁻¹. */
const ALPHA = (1 + Math.sqrt(17)) / 8;

/**
 * Inertia of the symmetric n × n matrix whose upper triangle is in `a` (row-major, a[i·n + j] for
 * j ≥ i; the strict lower triangle is ignored and left as it was). Destroys the upper triangle.
 * A 1×1 pivot d counts as zero when |d| ≤ zeroCut, a 2×2 pivot block by its two eigenvalues alike.
 * When `a` is the WebAssembly kernel's `eliminationSimd.matrix(n)`, the rank-1 and rank-2 updates
 * run in SIMD (elimination-simd.ts; n = 480: 2× faster, bit-identical); any other array takes the
 * scalar loops below.
 */
export function denseInertia(a: Float64Array, n: number, zeroCut: number): Inertia {
  const simd = eliminationSimd?.owns(a, n) ? eliminationSimd : null;
  // [positive, negative, zero] pivots so far (a local closure here made V8 deoptimize the kernel
  // with "wrong call target" on every trial: one closure per call).
  const tally = new Int32Array(3);
  // Scratch for the lookahead: the updated row k + 1.
  const r = new Float64Array(n);
  let k = 0;
  while (k < n) {
    const rk = k * n;
    const akk = Math.abs(a[rk + k]);
    let colmax = 0;
    let imax = k;
    for (let j = k + 1; j < n; j++) {
      const x = Math.abs(a[rk + j]);
      if (x > colmax) {
        colmax = x;
        imax = j;
      }
    }
    if (colmax === 0) {
      // Column k of the Schur complement is zero beyond the diagonal: a_kk is an eigenvalue of it
      // and nothing needs eliminating.
      tally[pivotClass(a[rk + k], zeroCut)]++;
      k++;
      continue;
    }
    let twoByTwo = false;
    if (akk < ALPHA * colmax) {
      // rowmax = max |a_{imax, j}| over j ≠ imax in the trailing block (column part strided).
      let rowmax = 0;
      for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(a[j * n + imax]));
      const ri = imax * n;
      for (let j = imax + 1; j < n; j++) rowmax = Math.max(rowmax, Math.abs(a[ri + j]));
      if (akk * rowmax >= ALPHA * colmax * colmax) {
        // a_kk is large enough against the growth it would cause: 1×1 pivot in place.
      } else if (Math.abs(a[ri + imax]) >= ALPHA * rowmax) {
        swapUpper(a, n, k, k, imax);
      } else {
        swapUpper(a, n, k, k + 1, imax);
        twoByTwo = true;
      }
    }
    if (!twoByTwo) {
      const d = a[rk + k];
      tally[pivotClass(d, zeroCut)]++;
      if (k + 1 < n && d !== 0 && lookahead(a, n, k, d, r)) {
        // Pivot k + 1 is a 1×1 too: both eliminated in one rank-2 pass (row k + 1 updated in place).
        const d1 = a[rk + n + k + 1];
        tally[pivotClass(d1, zeroCut)]++;
        const i22 = d1 === 0 ? 0 : 1 / d1;
        if (simd) simd.rank2(a, n, k, 1 / d, 0, i22);
        else eliminate2(a, n, k, 1 / d, 0, i22);
        k += 2;
      } else {
        if (d !== 0) {
          if (simd) simd.rank1(a, n, k, 1 / d);
          else eliminate1(a, n, k, d);
        }
        k++;
      }
    } else {
      const r1 = rk + n;
      const e11 = a[rk + k];
      const e12 = a[rk + k + 1];
      const e22 = a[r1 + k + 1];
      // Eigenvalues of the 2×2 block, the larger-magnitude one first and the other by det/λ₁
      // (no cancellation). e12 ≠ 0: it is the column maximum, moved next to the diagonal.
      const half = 0.5 * (e11 + e22);
      const rad = Math.hypot(0.5 * (e11 - e22), e12);
      const l1 = half >= 0 ? half + rad : half - rad;
      const det = e11 * e22 - e12 * e12;
      tally[pivotClass(l1, zeroCut)]++;
      tally[pivotClass(det / l1, zeroCut)]++;
      // E⁻¹ = [[e22, −e12], [−e12, e11]] / det.
      if (simd) simd.rank2(a, n, k, e22 / det, -e12 / det, e11 / det);
      else eliminate2(a, n, k, e22 / det, -e12 / det, e11 / det);
      k += 2;
    }
  }
  return { positive: tally[0], negative: tally[1], zero: tally[2] };
}

/** 0, 1 or 2 as the pivot d counts positive, negative or zero (|d| ≤ cut). */
function pivotClass(d: number, cut: number): number {
  return d > cut ? 0 : d < -cut ? 1 : 2;
}

/**
 * After a 1×1 pivot d at k (not yet eliminated), decides pivot k + 1 by Bunch–Kaufman's rule on the
 * matrix updated by pivot k, computing only the entries the rule reads (row k + 1, and row imax when
 * needed) from A′ = A − u uᵀ/d, u = row k. If that pivot is a 1×1 (after an interchange, applied
 * to the un-updated rows and to u alike, which commutes with the pending update), writes the updated
 * row k + 1 into `a` and returns true: the caller then eliminates both pivots in one rank-2 pass,
 * which halves the trailing matrix's loads and stores on the 1×1 steps. A 2×2 pivot at k + 1 returns
 * false, and the caller eliminates pivot k alone and decides k + 1 again the ordinary way. `r` is scratch of length n.
 */
function lookahead(a: Float64Array, n: number, k: number, d: number, r: Float64Array): boolean {
  const rk = k * n;
  const r1 = rk + n;
  const k1 = k + 1;
  // Updated row k + 1 into r: r_j = a_{k+1,j} − u_{k+1} u_j / d.
  let f = a[rk + k1] / d;
  for (let j = k1; j < n; j++) r[j] = a[r1 + j] - f * a[rk + j];
  let colmax = 0;
  let imax = k1;
  for (let j = k1 + 1; j < n; j++) {
    const x = Math.abs(r[j]);
    if (x > colmax) {
      colmax = x;
      imax = j;
    }
  }
  const akk = Math.abs(r[k1]);
  if (colmax > 0 && akk < ALPHA * colmax) {
    // rowmax of row imax of A′ over the trailing block [k + 1, n), j ≠ imax.
    const ui = a[rk + imax];
    const fi = ui / d;
    let rowmax = colmax;
    for (let j = k1 + 1; j < imax; j++)
      rowmax = Math.max(rowmax, Math.abs(a[j * n + imax] - (a[rk + j] / d) * ui));
    const ri = imax * n;
    for (let j = imax + 1; j < n; j++) rowmax = Math.max(rowmax, Math.abs(a[ri + j] - fi * a[rk + j]));
    if (akk * rowmax >= ALPHA * colmax * colmax) {
      // 1×1 at k + 1 in place.
    } else if (Math.abs(a[ri + imax] - fi * ui) >= ALPHA * rowmax) {
      // 1×1 after interchanging k + 1 and imax: swap in A (rows from k, so u too), recompute r.
      swapUpper(a, n, k, k1, imax);
      f = a[rk + k1] / d;
      for (let j = k1; j < n; j++) r[j] = a[r1 + j] - f * a[rk + j];
    } else {
      return false;
    }
  }
  for (let j = k1; j < n; j++) a[r1 + j] = r[j];
  return true;
}

/**
 * Symmetric interchange of indices p < q within the trailing block [k, n) (k ≤ p), upper triangle
 * only: rows above k are finished and never read again, so they are left alone.
 */
function swapUpper(a: Float64Array, n: number, k: number, p: number, q: number): void {
  if (p === q) return;
  const rp = p * n;
  const rq = q * n;
  let t = a[rp + p];
  a[rp + p] = a[rq + q];
  a[rq + q] = t;
  // Rows p and q beyond q.
  for (let j = q + 1; j < n; j++) {
    t = a[rp + j];
    a[rp + j] = a[rq + j];
    a[rq + j] = t;
  }
  // Between them: (p, j) ↔ (j, q); a[p][q] stays.
  for (let j = p + 1; j < q; j++) {
    t = a[rp + j];
    a[rp + j] = a[j * n + q];
    a[j * n + q] = t;
  }
  // Rows k … p − 1 (for a 2×2 pivot, row k): columns p and q.
  for (let i = k; i < p; i++) {
    const ri = i * n;
    t = a[ri + p];
    a[ri + p] = a[ri + q];
    a[ri + q] = t;
  }
}

// The eliminations below update four trailing rows per pass, so that each loaded pivot-row entry
// serves four multiply-adds: measured at n = 480, 2.3× faster (rank 1) and 2.4× (rank 2) than one row
// per pass. Rows i … i+3 start at their diagonals: the 4 × 4 triangle at the start is done apart.

/** Rank-1 elimination of pivot k: a_ij −= a_ki a_kj / d for k < i ≤ j. */
function eliminate1(a: Float64Array, n: number, k: number, d: number): void {
  const r0 = k * n;
  const inv = 1 / d;
  let i = k + 1;
  for (; i + 3 < n; i += 4) {
    const ra = i * n;
    const rb = ra + n;
    const rc = rb + n;
    const rd = rc + n;
    const fa = inv * a[r0 + i];
    const fb = inv * a[r0 + i + 1];
    const fc = inv * a[r0 + i + 2];
    const fd = inv * a[r0 + i + 3];
    for (let j = i; j < i + 4; j++) {
      const u = a[r0 + j];
      a[ra + j] -= fa * u;
      if (j > i) a[rb + j] -= fb * u;
      if (j > i + 1) a[rc + j] -= fc * u;
      if (j > i + 2) a[rd + j] -= fd * u;
    }
    for (let j = i + 4; j < n; j++) {
      const u = a[r0 + j];
      a[ra + j] -= fa * u;
      a[rb + j] -= fb * u;
      a[rc + j] -= fc * u;
      a[rd + j] -= fd * u;
    }
  }
  for (; i < n; i++) {
    const f = inv * a[r0 + i];
    const ri = i * n;
    for (let j = i; j < n; j++) a[ri + j] -= f * a[r0 + j];
  }
}

/**
 * Rank-2 elimination of rows k and k + 1: a_ij −= [a_ki a_k+1,i] M [a_kj; a_k+1,j] for k + 1 < i ≤ j,
 * M = [[i11, i12], [i12, i22]]. For a 2×2 pivot E = [[e11, e12], [e12, e22]], M = E⁻¹; det E ≠ 0 as
 * Bunch–Kaufman takes a 2×2 pivot only when |e11|·rowmax < α·e12² and |e22| < α·rowmax, so
 * |det| > (1 − α²)·e12² > 0. For two 1×1 pivots d, d′ (row k + 1 already updated by pivot k),
 * M = diag(1/d, 1/d′).
 */
function eliminate2(a: Float64Array, n: number, k: number, i11: number, i12: number, i22: number): void {
  const r0 = k * n;
  const r1 = r0 + n;
  let i = k + 2;
  for (; i + 3 < n; i += 4) {
    const ra = i * n;
    const rb = ra + n;
    const rc = rb + n;
    const rd = rc + n;
    let x = a[r0 + i];
    let y = a[r1 + i];
    const fa = i11 * x + i12 * y;
    const ga = i12 * x + i22 * y;
    x = a[r0 + i + 1];
    y = a[r1 + i + 1];
    const fb = i11 * x + i12 * y;
    const gb = i12 * x + i22 * y;
    x = a[r0 + i + 2];
    y = a[r1 + i + 2];
    const fc = i11 * x + i12 * y;
    const gc = i12 * x + i22 * y;
    x = a[r0 + i + 3];
    y = a[r1 + i + 3];
    const fd = i11 * x + i12 * y;
    const gd = i12 * x + i22 * y;
    for (let j = i; j < i + 4; j++) {
      const u = a[r0 + j];
      const v = a[r1 + j];
      a[ra + j] -= fa * u + ga * v;
      if (j > i) a[rb + j] -= fb * u + gb * v;
      if (j > i + 1) a[rc + j] -= fc * u + gc * v;
      if (j > i + 2) a[rd + j] -= fd * u + gd * v;
    }
    for (let j = i + 4; j < n; j++) {
      const u = a[r0 + j];
      const v = a[r1 + j];
      a[ra + j] -= fa * u + ga * v;
      a[rb + j] -= fb * u + gb * v;
      a[rc + j] -= fc * u + gc * v;
      a[rd + j] -= fd * u + gd * v;
    }
  }
  for (; i < n; i++) {
    const x = a[r0 + i];
    const y = a[r1 + i];
    const f = i11 * x + i12 * y;
    const g = i12 * x + i22 * y;
    const ri = i * n;
    for (let j = i; j < n; j++) a[ri + j] -= f * a[r0 + j] + g * a[r1 + j];
  }
}

/**
 * Number of eigenvalues below σ of the symmetric tridiagonal T with diagonal `diag` and squared
 * off-diagonals `offSq` (offSq[k] = T_{k,k+1}²): the negative pivots of T − σI = L D Lᵀ,
 * d_0 = diag_0 − σ, d_k = diag_k − σ − offSq_{k−1}/d_{k−1}. An exact zero pivot is replaced by
 * −pivmin, as LAPACK's dlaneg does (the count is that of σ moved by a rounding error).
 */
export function sturmCount(diag: Float64Array, offSq: Float64Array, n: number, sigma: number): number {
  let d = diag[0] - sigma;
  if (d === 0) d = -PIVMIN;
  let neg = d < 0 ? 1 : 0;
  for (let k = 1; k < n; k++) {
    d = diag[k] - sigma - offSq[k - 1] / d;
    if (d === 0) d = -PIVMIN;
    if (d < 0) neg++;
  }
  return neg;
}

/** Replaces an exact zero pivot of a Sturm chain (LAPACK dlaneg), keeping the count finite. */
export const PIVMIN = 2 ** -1000;

/**
 * Inertia of the tridiagonal T with zero meaning |λ| ≤ zeroCut: negative = #{λ < −zeroCut},
 * zero = #{|λ| ≤ zeroCut}, from two Sturm counts run side by side (the two division chains are
 * independent, so the second costs little).
 */
export function tridiagonalInertia(
  diag: Float64Array,
  offSq: Float64Array,
  n: number,
  zeroCut: number,
): Inertia {
  // Eigenvalues below −zeroCut (lo) and below +zeroCut (hi).
  let dl = diag[0] + zeroCut;
  let dh = diag[0] - zeroCut;
  if (dl === 0) dl = -PIVMIN;
  if (dh === 0) dh = -PIVMIN;
  let lo = dl < 0 ? 1 : 0;
  let hi = dh < 0 ? 1 : 0;
  for (let k = 1; k < n; k++) {
    const b2 = offSq[k - 1];
    dl = diag[k] + zeroCut - b2 / dl;
    dh = diag[k] - zeroCut - b2 / dh;
    if (dl === 0) dl = -PIVMIN;
    if (dh === 0) dh = -PIVMIN;
    if (dl < 0) lo++;
    if (dh < 0) hi++;
  }
  return { positive: n - hi, negative: lo, zero: hi - lo };
}
