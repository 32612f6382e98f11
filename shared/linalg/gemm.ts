import { simd } from './simd-kernel.js';

/** Below this many multiply-adds, packing for the SIMD kernel costs more than it saves. */
const SIMD_MIN_WORK = 4096;

/**
 * C = A B, or C += A B when `accumulate`, for dense row-major blocks (A: m × p, B: p × n, C: m × n,
 * row strides p, n, n): through the WebAssembly SIMD kernel when available (simd-kernel.ts; the
 * operands are packed into its layouts and C unpacked), else the scalar kernel below.
 */
export function matmul(
  m: number,
  n: number,
  p: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  accumulate = false,
): void {
  if (!simd || p === 0 || m * n * p < SIMD_MIN_WORK) {
    matmulScalar(m, n, p, a, b, c, accumulate);
    return;
  }
  const m4 = (m + 3) & ~3;
  const strips = (n + 3) >> 2;
  const full = n >> 2; // strips with four real columns
  const bOff = m4 * p;
  const cOff = bOff + strips * 4 * p;
  simd.reserve(cOff + strips * 4 * m4);
  const f = simd.view();
  // Packing is most of the cost at the network Hessian's small sizes (a profile at width 10 found
  // more time in it than in the kernel): only the padding is zeroed, and whole groups of four move at once.
  // A in row panels of four; rows m … m4 − 1 are zero.
  const lastPanel = (m4 - 4) * p;
  if (m4 > m) for (let q = 0; q < p; q++) f.fill(0, lastPanel + 4 * q + (m & 3), lastPanel + 4 * q + 4);
  for (let i = 0; i < m; i++) {
    const dst = (i >> 2) * 4 * p + (i & 3);
    const src = i * p;
    for (let q = 0; q < p; q++) f[dst + 4 * q] = a[src + q];
  }
  // B in column strips of four; columns n … 4·strips − 1 are zero.
  for (let q = 0; q < p; q++) {
    const src = q * n;
    let d = bOff + 4 * q;
    for (let s = 0; s < full; s++, d += 4 * p) {
      const o = src + 4 * s;
      f[d] = b[o];
      f[d + 1] = b[o + 1];
      f[d + 2] = b[o + 2];
      f[d + 3] = b[o + 3];
    }
    if (full < strips) for (let t = 0; t < 4; t++) f[d + t] = 4 * full + t < n ? b[src + 4 * full + t] : 0;
  }
  // C: the kernel adds to it, so it starts as C (accumulate) or zero.
  if (!accumulate) f.fill(0, cOff, cOff + strips * 4 * m4);
  else moveC(f, cOff, m4, c, m, n, full, strips, true);
  simd.gemm(m4, strips, p, 0, bOff, 4 * p, cOff, 4 * m4);
  moveC(f, cOff, m4, c, m, n, full, strips, false);
}

/** Copies C between row-major c and the kernel's strips at cOff (into the strips when `pack`). */
function moveC(
  f: Float64Array,
  cOff: number,
  m4: number,
  c: Float64Array,
  m: number,
  n: number,
  full: number,
  strips: number,
  pack: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let d = cOff + 4 * i;
    for (let s = 0; s < full; s++, d += 4 * m4) {
      const o = row + 4 * s;
      if (pack) {
        f[d] = c[o];
        f[d + 1] = c[o + 1];
        f[d + 2] = c[o + 2];
        f[d + 3] = c[o + 3];
      } else {
        c[o] = f[d];
        c[o + 1] = f[d + 1];
        c[o + 2] = f[d + 2];
        c[o + 3] = f[d + 3];
      }
    }
    if (full < strips)
      for (let t = 0; 4 * full + t < n; t++)
        if (pack) f[d + t] = c[row + 4 * full + t];
        else c[row + 4 * full + t] = f[d + t];
  }
}

/**
 * C = A B or C += A B for dense row-major blocks (A: m × p, B: p × n, C: m × n, each contiguous
 * with row strides p, n, n), with a 4 × 4 register-blocked kernel: 16 independent accumulators,
 * 8 loads per 16 multiply-adds. Column strips of B are the outer loop and are copied to a
 * contiguous p × 4 buffer first, so the kernel reads two dense streams and the strip stays in L1
 * while all rows of A stream past it. Summation order is fixed: results are deterministic.
 */
export function matmulScalar(
  m: number,
  n: number,
  p: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  accumulate = false,
): void {
  const strip = new Float64Array(4 * p);
  let j = 0;
  for (; j + 3 < n; j += 4) {
    for (let q = 0, s = j, o = 0; q < p; q++, s += n, o += 4) {
      strip[o] = b[s];
      strip[o + 1] = b[s + 1];
      strip[o + 2] = b[s + 2];
      strip[o + 3] = b[s + 3];
    }
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const a0 = i * p;
      const a1 = a0 + p;
      const a2 = a1 + p;
      const a3 = a2 + p;
      const o0 = i * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      let s00 = accumulate ? c[o0] : 0;
      let s01 = accumulate ? c[o0 + 1] : 0;
      let s02 = accumulate ? c[o0 + 2] : 0;
      let s03 = accumulate ? c[o0 + 3] : 0;
      let s10 = accumulate ? c[o1] : 0;
      let s11 = accumulate ? c[o1 + 1] : 0;
      let s12 = accumulate ? c[o1 + 2] : 0;
      let s13 = accumulate ? c[o1 + 3] : 0;
      let s20 = accumulate ? c[o2] : 0;
      let s21 = accumulate ? c[o2 + 1] : 0;
      let s22 = accumulate ? c[o2 + 2] : 0;
      let s23 = accumulate ? c[o2 + 3] : 0;
      let s30 = accumulate ? c[o3] : 0;
      let s31 = accumulate ? c[o3 + 1] : 0;
      let s32 = accumulate ? c[o3 + 2] : 0;
      let s33 = accumulate ? c[o3 + 3] : 0;
      for (let q = 0, o = 0; q < p; q++, o += 4) {
        const b0 = strip[o];
        const b1 = strip[o + 1];
        const b2 = strip[o + 2];
        const b3 = strip[o + 3];
        const x0 = a[a0 + q];
        const x1 = a[a1 + q];
        const x2 = a[a2 + q];
        const x3 = a[a3 + q];
        s00 += x0 * b0;
        s01 += x0 * b1;
        s02 += x0 * b2;
        s03 += x0 * b3;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s12 += x1 * b2;
        s13 += x1 * b3;
        s20 += x2 * b0;
        s21 += x2 * b1;
        s22 += x2 * b2;
        s23 += x2 * b3;
        s30 += x3 * b0;
        s31 += x3 * b1;
        s32 += x3 * b2;
        s33 += x3 * b3;
      }
      c[o0] = s00;
      c[o0 + 1] = s01;
      c[o0 + 2] = s02;
      c[o0 + 3] = s03;
      c[o1] = s10;
      c[o1 + 1] = s11;
      c[o1 + 2] = s12;
      c[o1 + 3] = s13;
      c[o2] = s20;
      c[o2 + 1] = s21;
      c[o2 + 2] = s22;
      c[o2 + 3] = s23;
      c[o3] = s30;
      c[o3 + 1] = s31;
      c[o3 + 2] = s32;
      c[o3 + 3] = s33;
    }
    for (; i < m; i++) {
      const a0 = i * p;
      const o = i * n + j;
      let s0 = accumulate ? c[o] : 0;
      let s1 = accumulate ? c[o + 1] : 0;
      let s2 = accumulate ? c[o + 2] : 0;
      let s3 = accumulate ? c[o + 3] : 0;
      for (let q = 0, o = 0; q < p; q++, o += 4) {
        const x = a[a0 + q];
        s0 += x * strip[o];
        s1 += x * strip[o + 1];
        s2 += x * strip[o + 2];
        s3 += x * strip[o + 3];
      }
      c[o] = s0;
      c[o + 1] = s1;
      c[o + 2] = s2;
      c[o + 3] = s3;
    }
  }
  for (; j < n; j++)
    for (let i = 0; i < m; i++) {
      const a0 = i * p;
      const o = i * n + j;
      let s = accumulate ? c[o] : 0;
      for (let q = 0, bq = j; q < p; q++, bq += n) s += a[a0 + q] * b[bq];
      c[o] = s;
    }
}
