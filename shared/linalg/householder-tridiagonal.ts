/**
 * Householder reduction of a dense symmetric matrix to tridiagonal form, Qᵀ A Q = T, as LAPACK's
 * dsytd2 ('L'): Q = H₀ H₁ ⋯ H_{n−2}, Hᵢ = I − τᵢ vᵢ vᵢᵀ with vᵢ zero above index i + 1 and
 * vᵢ[i + 1] = 1. ≈ 2n³/3 multiply-adds.
 *
 * Only the lower triangle of a row-major working copy is used, and each step makes ONE pass over
 * the trailing triangle, row by row: it applies the previous step's rank-2 update A −= v wᵀ + w vᵀ
 * and, on the freshly updated entries, accumulates the symmetric product y = A v that the next
 * update needs. Every inner loop is contiguous, and the triangle is streamed once per step. The
 * off-diagonal part of that pass runs in WebAssembly SIMD where available (tridiagonal-simd.ts).
 */
import { type TridiagonalKernel, tridiagonalSimd } from './tridiagonal-simd.js';

export interface Tridiagonal {
  /** Diagonal of T, length n. */
  readonly d: Float64Array;
  /** Subdiagonal of T, length n (e[i] = T[i + 1, i]; e[n − 1] = 0). */
  readonly e: Float64Array;
  /** n × n row-major; row i holds vᵢ (entries i + 1 … n − 1; vᵢ[i + 1] = 1). Null if not kept. */
  readonly reflectors: Float64Array | null;
  /** τᵢ, length n (τ_{n−1} = 0). */
  readonly tau: Float64Array;
}

const SAFE_LO = 2 ** -500;
const SAFE_HI = 2 ** 500;

/** Euclidean norm of a[from + k·stride], k < count, without overflow or harmful underflow. */
export function stridedNorm(a: Float64Array, from: number, count: number, stride: number): number {
  let s = 0;
  for (let k = 0, p = from; k < count; k++, p += stride) s += a[p] * a[p];
  const r = Math.sqrt(s);
  if (r > SAFE_LO && r < SAFE_HI) return r;
  // The sum of squares under- or overflowed (or is exactly 0): redo it scaled by the largest entry.
  let big = 0;
  for (let k = 0, p = from; k < count; k++, p += stride) big = Math.max(big, Math.abs(a[p]));
  if (big === 0 || !Number.isFinite(big)) return big;
  s = 0;
  for (let k = 0, p = from; k < count; k++, p += stride) {
    const x = a[p] / big;
    s += x * x;
  }
  return big * Math.sqrt(s);
}

export function tridiagonalize(
  a: Float64Array,
  n: number,
  keepReflectors: boolean,
  opts: { simd?: boolean } = {},
): Tridiagonal {
  // The kernel is not slower even at the smallest sizes (test/bench/linalg.bench.ts), so it is used at every size.
  const kernel = (opts.simd ?? true) ? tridiagonalSimd : null;
  // With the kernel, the working matrix and the vectors live in its memory (one block, reserved
  // before any view is taken).
  kernel?.reserve(n * n + 5 * n);
  const space = kernel ? kernel.view() : null;
  const buffer = (k: number) =>
    space ? space.subarray(n * n + k * n, n * n + (k + 1) * n) : new Float64Array(n);
  const m = space ? space.subarray(0, n * n) : new Float64Array(n * n);
  m.set(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  const reflectors = keepReflectors ? new Float64Array(n * n) : null;
  // Two v and two w buffers alternate: step i builds (v, w) while it applies step i − 1's (pv, pw).
  const vBuf = [buffer(0), buffer(1)];
  const wBuf = [buffer(2), buffer(3)];
  const y = buffer(4);
  let pv: Float64Array | null = null;
  let pw: Float64Array | null = null;
  for (let i = 0; i < n - 1; i++) {
    // Bring column i (rows i … n − 1) up to date with the pending update of step i − 1.
    if (pv && pw) {
      const pvi = pv[i];
      const pwi = pw[i];
      for (let r = i; r < n; r++) m[r * n + i] -= pv[r] * pwi + pw[r] * pvi;
    }
    d[i] = m[i * n + i];
    const v = vBuf[i & 1];
    const w = wBuf[i & 1];
    // Reflector for x = A[i+1:, i] (dlarfg): H x = β e₁.
    const alpha = m[(i + 1) * n + i];
    const xnorm = stridedNorm(m, (i + 2) * n + i, n - i - 2, n);
    let t = 0;
    if (xnorm === 0) {
      // x is already a multiple of e₁: H = I (τ = 0), and the pass below only applies the pending update.
      e[i] = alpha;
      v.fill(0, i + 1);
    } else {
      const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
      // β has the opposite sign of α, so |α − β| = |α| + |β| >= |β| > 0: no cancellation, no 0/0.
      t = (beta - alpha) / beta;
      const inv = 1 / (alpha - beta);
      v[i + 1] = 1;
      for (let r = i + 2; r < n; r++) v[r] = m[r * n + i] * inv;
      e[i] = beta;
    }
    tau[i] = t;
    if (reflectors) reflectors.set(v.subarray(i + 1), i * n + i + 1);
    y.fill(0, i + 1);
    fusedPass(m, n, i + 1, pv, pw, v, y, t !== 0, kernel);
    if (t !== 0) {
      // p = τ y; w = p − (τ/2)(pᵀv) v, so that Hᵢ A Hᵢ = A − v wᵀ − w vᵀ on the trailing block.
      let pv2 = 0;
      for (let r = i + 1; r < n; r++) {
        const p = t * y[r];
        w[r] = p;
        pv2 += p * v[r];
      }
      const k = (t / 2) * pv2;
      for (let r = i + 1; r < n; r++) w[r] -= k * v[r];
      pv = v;
      pw = w;
    } else {
      pv = null;
      pw = null;
    }
  }
  if (n > 0) {
    let last = m[(n - 1) * n + n - 1];
    if (pv && pw) last -= 2 * pv[n - 1] * pw[n - 1];
    d[n - 1] = last;
  }
  return { d, e, reflectors, tau };
}

/**
 * Over the lower triangle of rows/columns from..n−1: A −= pv pwᵀ + pw pvᵀ (when pv is given), then
 * y += A v (when `product`). Rows go four at a time, so each load of the column vectors serves four
 * rows and the triangle streams through the cache once.
 */
function fusedPass(
  m: Float64Array,
  n: number,
  from: number,
  pv: Float64Array | null,
  pw: Float64Array | null,
  v: Float64Array,
  y: Float64Array,
  product: boolean,
  kernel: TridiagonalKernel | null,
): void {
  if (!pv || !pw) {
    if (product) productPass(m, n, from, v, y);
    return;
  }
  if (kernel && product) {
    const groupsEnd = from + ((n - from) & ~3);
    kernel.fused(n, from, groupsEnd, m, pv, pw, v, y);
    for (let r = from; r < groupsEnd; r += 4) diagonalBlock(m, n, r, r + 4, pv, pw, v, y);
    lastRows(m, n, from, groupsEnd, pv, pw, v, y);
    return;
  }
  if (!product) {
    for (let r = from; r < n; r++) {
      const row = r * n;
      const pvr = pv[r];
      const pwr = pw[r];
      for (let c = from; c <= r; c++) m[row + c] -= pvr * pw[c] + pwr * pv[c];
    }
    return;
  }
  let r = from;
  for (; r + 3 < n; r += 4) {
    const row0 = r * n;
    const row1 = row0 + n;
    const row2 = row1 + n;
    const row3 = row2 + n;
    const pv0 = pv[r];
    const pw0 = pw[r];
    const v0 = v[r];
    const pv1 = pv[r + 1];
    const pw1 = pw[r + 1];
    const v1 = v[r + 1];
    const pv2 = pv[r + 2];
    const pw2 = pw[r + 2];
    const v2 = v[r + 2];
    const pv3 = pv[r + 3];
    const pw3 = pw[r + 3];
    const v3 = v[r + 3];
    let y0 = 0;
    let y1 = 0;
    let y2 = 0;
    let y3 = 0;
    for (let c = from; c < r; c++) {
      const pvc = pv[c];
      const pwc = pw[c];
      const vc = v[c];
      const x0 = m[row0 + c] - pv0 * pwc - pw0 * pvc;
      const x1 = m[row1 + c] - pv1 * pwc - pw1 * pvc;
      const x2 = m[row2 + c] - pv2 * pwc - pw2 * pvc;
      const x3 = m[row3 + c] - pv3 * pwc - pw3 * pvc;
      m[row0 + c] = x0;
      m[row1 + c] = x1;
      m[row2 + c] = x2;
      m[row3 + c] = x3;
      y0 += x0 * vc;
      y1 += x1 * vc;
      y2 += x2 * vc;
      y3 += x3 * vc;
      y[c] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
    }
    y[r] += y0;
    y[r + 1] += y1;
    y[r + 2] += y2;
    y[r + 3] += y3;
    diagonalBlock(m, n, r, r + 4, pv, pw, v, y);
  }
  lastRows(m, n, from, r, pv, pw, v, y);
}

/** The last rows r … n − 1 (fewer than four) of fusedPass: their columns before r, then their own block. */
function lastRows(
  m: Float64Array,
  n: number,
  from: number,
  r: number,
  pv: Float64Array,
  pw: Float64Array,
  v: Float64Array,
  y: Float64Array,
): void {
  for (let q = r; q < n; q++) {
    const row = q * n;
    const pvq = pv[q];
    const pwq = pw[q];
    const vq = v[q];
    let yq = 0;
    for (let c = from; c < r; c++) {
      const x = m[row + c] - pvq * pw[c] - pwq * pv[c];
      m[row + c] = x;
      yq += x * v[c];
      y[c] += x * vq;
    }
    y[q] += yq;
  }
  diagonalBlock(m, n, r, n, pv, pw, v, y);
}

/** The lower triangle of the small diagonal block rows/columns r0..r1−1 of fusedPass. */
function diagonalBlock(
  m: Float64Array,
  n: number,
  r0: number,
  r1: number,
  pv: Float64Array,
  pw: Float64Array,
  v: Float64Array,
  y: Float64Array,
): void {
  for (let a = r0; a < r1; a++) {
    const row = a * n;
    for (let c = r0; c < a; c++) {
      const x = m[row + c] - pv[a] * pw[c] - pw[a] * pv[c];
      m[row + c] = x;
      y[a] += x * v[c];
      y[c] += x * v[a];
    }
    const x = m[row + a] - pv[a] * pw[a] - pw[a] * pv[a];
    m[row + a] = x;
    y[a] += x * v[a];
  }
}

/** y += A v over the lower triangle from..n−1 (no pending update), four rows at a time. */
function productPass(m: Float64Array, n: number, from: number, v: Float64Array, y: Float64Array): void {
  let r = from;
  for (; r + 3 < n; r += 4) {
    const row0 = r * n;
    const row1 = row0 + n;
    const row2 = row1 + n;
    const row3 = row2 + n;
    const v0 = v[r];
    const v1 = v[r + 1];
    const v2 = v[r + 2];
    const v3 = v[r + 3];
    let y0 = 0;
    let y1 = 0;
    let y2 = 0;
    let y3 = 0;
    for (let c = from; c < r; c++) {
      const vc = v[c];
      const x0 = m[row0 + c];
      const x1 = m[row1 + c];
      const x2 = m[row2 + c];
      const x3 = m[row3 + c];
      y0 += x0 * vc;
      y1 += x1 * vc;
      y2 += x2 * vc;
      y3 += x3 * vc;
      y[c] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
    }
    y[r] += y0;
    y[r + 1] += y1;
    y[r + 2] += y2;
    y[r + 3] += y3;
    for (let a = r; a < r + 4; a++) {
      const row = a * n;
      for (let c = r; c < a; c++) {
        y[a] += m[row + c] * v[c];
        y[c] += m[row + c] * v[a];
      }
      y[a] += m[row + a] * v[a];
    }
  }
  for (let q = r; q < n; q++) {
    const row = q * n;
    const vq = v[q];
    let yq = 0;
    for (let c = from; c < q; c++) {
      yq += m[row + c] * v[c];
      y[c] += m[row + c] * vq;
    }
    y[q] += yq + m[row + q] * vq;
  }
}
