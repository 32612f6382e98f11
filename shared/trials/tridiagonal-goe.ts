import type { TrialStream } from '../rng/trial-stream.js';
import { zigguratTables } from '../rng/ziggurat.js';

const TABLE = zigguratTables().X;

/**
 * Rows [from, to) of the Dumitriu–Edelman tridiagonal model of the GOE (A + Aᵀ)/2, A iid N(0, 1),
 * in its canonical order: for k = from…to−1, the diagonal diag[k] ~ N(0, 1), then (for k < n − 1)
 * offSq[k] = b_k² ~ Gamma((n − 1 − k)/2, 1), the square of the off-diagonal b_k = χ_{n−1−k}/√2.
 * (Dumitriu & Edelman, "Matrix models for beta ensembles", J. Math. Phys. 43, 2002, β = 1: their
 * (1/√2)·tridiag(N(0, 2); χ_{n−1}, …, χ_1). Householder's first step on (A + Aᵀ)/2 shows the scaling:
 * H₁₁ ~ N(0, 1), and the norm of the rest of column 1, n − 1 iid N(0, ½), is χ_{n−1}/√2.) Only b_k²
 * enters the Sturm recurrence, so the square root is never taken. Same variates as
 * `normal()`, `gamma((n − 1 − k)/2)` in that order.
 */
export function fillTridiagonalGoe(
  stream: TrialStream,
  diag: Float64Array,
  offSq: Float64Array,
  from: number,
  to: number,
  n: number,
): void {
  const gd = gammaConstants(n);
  const st = stream.s;
  const X = TABLE;
  const TWO_M52 = 2.220446049250313e-16;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  let m = 0;
  let t = 0;
  let w = 0;
  let lo = 0;
  // The xoshiro128** step and the ziggurat's fast path are written out (see nextInt32 and normal);
  // slow paths go through the state array.
  for (let k = from; k < to; k++) {
    // diag[k]: a normal.
    m = Math.imul(s1, 5);
    w = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    m = Math.imul(s1, 5);
    lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    let layer = w & 255;
    let x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[layer];
    if (x < X[layer + 1]) {
      diag[k] = (1 - ((w >>> 7) & 2)) * x;
    } else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      diag[k] = stream.normalSlow(w, x);
      s0 = st[0];
      s1 = st[1];
      s2 = st[2];
      s3 = st[3];
    }
    if (k >= n - 1) continue;
    // offSq[k]: Gamma((n − 1 − k)/2), as gamma() draws it (shape ½: Z²/2).
    const half = k === n - 2;
    const d = gd[2 * k];
    const c = gd[2 * k + 1];
    for (;;) {
      m = Math.imul(s1, 5);
      w = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      layer = w & 255;
      x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[layer];
      let z: number;
      if (x < X[layer + 1]) {
        z = (1 - ((w >>> 7) & 2)) * x;
      } else {
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3;
        z = +stream.normalSlow(w, x);
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3];
      }
      if (half) {
        offSq[k] = 0.5 * z * z;
        break;
      }
      let v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      // The acceptance uniform, as uniform() makes it.
      m = Math.imul(s1, 5);
      w = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const u = ((w >>> 12) * 4294967296 + lo + 0.5) * TWO_M52;
      const z2 = z * z;
      if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) {
        offSq[k] = d * v;
        break;
      }
    }
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/**
 * The two Sturm chains of the model's T + cut·I and T − cut·I run while the model is drawn, the
 * whole trial from the start of the stream: out[0] = #{negative pivots of T + cut·I} (eigenvalues
 * below −cut), out[1] = #{negative pivots of T − cut·I} (below +cut), an exact zero pivot replaced
 * by −pivmin. The same variates as `fillTridiagonalGoe(…, 0, n, n)` and the same arithmetic as
 * trials/inertia.ts `tridiagonalInertia` on them, so the same counts (tested), with nothing stored:
 * the chains' divisions overlap the generator's integer work.
 */
export function tridiagonalGoeSturm(
  stream: TrialStream,
  n: number,
  cut: number,
  pivmin: number,
  out: Int32Array,
): void {
  const gd = gammaConstants(n);
  const st = stream.s;
  const X = TABLE;
  const TWO_M52 = 2.220446049250313e-16;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  let m = 0;
  let t = 0;
  let w = 0;
  let lo = 0;
  // The xoshiro128** step and the ziggurat's fast path are written out (see nextInt32 and normal);
  // slow paths go through the state array.
  let below = 0;
  let belowHi = 0;
  let dl = 1;
  let dh = 1;
  // b_{k−1}², 0 before the first row: then the chains' first step is exactly d_0 = diag_0 ± cut.
  let b2 = 0;
  let z0 = 0;
  for (let k = 0; k < n; k++) {
    // diag[k]: a normal.
    m = Math.imul(s1, 5);
    w = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    m = Math.imul(s1, 5);
    lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    let layer = w & 255;
    let x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[layer];
    if (x < X[layer + 1]) {
      z0 = (1 - ((w >>> 7) & 2)) * x;
    } else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      z0 = +stream.normalSlow(w, x);
      s0 = st[0];
      s1 = st[1];
      s2 = st[2];
      s3 = st[3];
    }
    // Both chains' step k, as tridiagonalInertia computes it (trials/inertia.ts).
    dl = z0 + cut - b2 / dl;
    dh = z0 - cut - b2 / dh;
    if (dl === 0) dl = -pivmin;
    if (dh === 0) dh = -pivmin;
    // Counted without a branch: the pivots' signs are random, and a mispredicted branch waiting
    // on the division chain flushes the generator's work.
    below += +(dl < 0);
    belowHi += +(dh < 0);
    if (k >= n - 1) continue;
    // offSq[k]: Gamma((n − 1 − k)/2), as gamma() draws it (shape ½: Z²/2).
    const half = k === n - 2;
    const d = gd[2 * k];
    const c = gd[2 * k + 1];
    for (;;) {
      m = Math.imul(s1, 5);
      w = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      layer = w & 255;
      x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[layer];
      let z: number;
      if (x < X[layer + 1]) {
        z = (1 - ((w >>> 7) & 2)) * x;
      } else {
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3;
        z = +stream.normalSlow(w, x);
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3];
      }
      if (half) {
        b2 = 0.5 * z * z;
        break;
      }
      let v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      // The acceptance uniform, as uniform() makes it.
      m = Math.imul(s1, 5);
      w = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const u = ((w >>> 12) * 4294967296 + lo + 0.5) * TWO_M52;
      const z2 = z * z;
      if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) {
        b2 = d * v;
        break;
      }
    }
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  out[0] = below;
  out[1] = belowHi;
}

/** Per n: for k < n − 2, Marsaglia–Tsang's d = (n − 1 − k)/2 − ⅓ and c = 1/√(9d) at [2k], [2k + 1]. */
const gammaCache = new Map<number, Float64Array>();
export function gammaConstants(n: number): Float64Array {
  let g = gammaCache.get(n);
  if (!g) {
    g = new Float64Array(2 * Math.max(n, 1));
    for (let k = 0; k < n - 2; k++) {
      const d = 0.5 * (n - 1 - k) - 1 / 3;
      g[2 * k] = d;
      g[2 * k + 1] = 1 / Math.sqrt(9 * d);
    }
    if (gammaCache.size > 64) gammaCache.clear();
    gammaCache.set(n, g);
  }
  return g;
}
