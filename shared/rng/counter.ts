import { createHash } from 'node:crypto';

/**
 * Keyed random streams for lazily generated random matrices: trial t of a batch keyed K draws from
 * its own stream, a pure function of (K, t), so a trial's matrix is the same whichever thread,
 * machine, batch split or method (early-exit census or full factorization) generates it.
 *
 * Two layers:
 * - Counter-based seeding: Threefry-2×32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel
 *   random numbers: as easy as 1, 2, 3", SC 2011; Random123's default round count, a margin over the
 *   13 rounds that already pass TestU01's BigCrush) maps (K; t, 0) and (K; t, 1) to the 128-bit state
 *   of the trial's generator. It is add–rotate–xor on int32 lanes, so JavaScript computes it
 *   bit-exactly everywhere; the tests check Random123's known-answer vectors.
 * - Within a trial: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 *   generators", ACM TOMS 47, 2021; passes BigCrush), consumed in one canonical order — for a dense
 *   matrix the packed lower triangle row by row, (0,0), (1,0), (1,1), (2,0), …, which is exactly the
 *   order in which a bordered (row-by-row) factorization needs entries, so an early exit after k rows
 *   has drawn the same first k(k+1)/2 variates as a full factorization of the same trial.
 *
 * Why not one Threefry call per entry (a stream addressed by (trial, entry))? Measured here, a normal
 * that way costs 30–60 ns (Threefry ~12–20 ns, and its words must be moved through memory), a gamma
 * ~100 ns; seeded xoshiro128** gives a normal in ~6 ns. The tridiagonal GOE model needs ~n normals and
 * n gammas per trial and is held to ≥ 1,000× numpy's dense eigvalsh, a budget of ~25 ns per variate.
 *
 * Normals: the 256-layer ziggurat (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000) with the layer
 * index and the abscissa taken from disjoint bits (Doornik, "An improved ziggurat method", 2005):
 * 8 bits choose the layer, 1 the sign, 52 the abscissa. Gammas: Marsaglia & Tsang (ACM TOMS 26,
 * 2000). Math.exp/log run only in table set-up and rare slow paths; V8 implements them with its own
 * fdlibm port (ieee754::exp/log), not the platform libm, so the values do not depend on the machine.
 */

/** A 64-bit Threefry key as two uint32 words. */
export interface CounterKey {
  readonly k0: number;
  readonly k1: number;
}

/** The key of a stream named by `parts` (strings and numbers): the first 64 bits of SHA-256. */
export function counterKey(...parts: ReadonlyArray<string | number>): CounterKey {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return { k0: digest.readUInt32LE(0), k1: digest.readUInt32LE(4) };
}

/** Skein's key-schedule parity constant (Threefish). */
const PARITY = 0x1bd11bda;

/** Output words of the last `threefry2x32` call (uint32 as int32 bits). */
const lanes = new Int32Array(2);

/**
 * Threefry-2×32-20 of counter (c0, c1) under key (k0, k1); the two output words are left in
 * `threefryOut()`. Rotation constants R = 13, 15, 26, 6, 17, 29, 16, 24; a key injection after every
 * 4 rounds (Random123 threefry.h). Written out in full: V8 keeps everything in int32 registers.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = PARITY ^ ks0 ^ ks1;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  // Rounds 1–4.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 1) | 0;
  // Rounds 5–8.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 2) | 0;
  // Rounds 9–12.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1 + 3) | 0;
  // Rounds 13–16.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 4) | 0;
  // Rounds 17–20.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  lanes[0] = (x0 + ks2) | 0;
  lanes[1] = (x1 + ks0 + 5) | 0;
}

/** The two words of the last `threefry2x32` call, as uint32. */
export function threefryOut(): [number, number] {
  return [lanes[0] >>> 0, lanes[1] >>> 0];
}

const TWO_M52 = 2 ** -52;

// Ziggurat tables. Layer 0 is the base strip (the rectangle [0, R] × [0, f(R)] and the tail beyond R),
// layers k = 1…255 the rectangles [0, X[k]] × [f(X[k]), f(X[k+1])]; all have area V. X[0] = V/f(R) is
// the base strip's equivalent width, X[1] = R, X[256] = 0. R solves the closure f(X[255]) + V/X[255] = 1
// (to 3·10⁻¹⁵, by bisection in double precision); V = R f(R) + ∫_R^∞ f, with f(x) = exp(−x²/2).
const LAYERS = 256;
const R = 3.654152885361009;
const V = 0.004928673233974658;
const X = new Float64Array(LAYERS + 1);
const F = new Float64Array(LAYERS + 1);
{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  X[0] = V / f(R);
  X[1] = R;
  for (let k = 1; k < LAYERS - 1; k++) X[k + 1] = Math.sqrt(-2 * Math.log(f(X[k]) + V / X[k]));
  X[LAYERS] = 0;
  for (let k = 0; k <= LAYERS; k++) F[k] = f(X[k]);
}

/**
 * The random stream of one trial: xoshiro128** seeded by Threefry-2×32-20 of the batch key and the
 * trial index. One object serves a whole batch (`reset` per trial), so a trial allocates nothing.
 *
 * The fill kernels keep the generator's state in local variables (measured: 1.4 ns per 32-bit output,
 * against 3.8 ns through the state array) and inline the ziggurat's fast path; the rare slow paths
 * go through the state array. Every kernel consumes the stream exactly as the single-variate methods
 * `normal()`, `uniform()` and `gamma()` do, so any mix of them yields the same variates (tested).
 */
export class TrialStream {
  /** xoshiro128** state, four uint32 words (as int32 bits). */
  private readonly s = new Int32Array(4);

  constructor(
    private readonly key: CounterKey,
    trial = 0,
  ) {
    this.reset(trial);
  }

  /** Restarts at the beginning of trial `trial` (an integer in [0, 2³²)). */
  reset(trial: number): this {
    if (!(Number.isInteger(trial) && trial >= 0 && trial < 2 ** 32)) {
      throw new RangeError(`TrialStream: trial must be an integer in [0, 2^32), got ${trial}`);
    }
    const s = this.s;
    threefry2x32(this.key.k0, this.key.k1, trial, 0);
    s[0] = lanes[0];
    s[1] = lanes[1];
    threefry2x32(this.key.k0, this.key.k1, trial, 1);
    s[2] = lanes[0];
    s[3] = lanes[1];
    // xoshiro must not start from the all-zero state (probability 2⁻¹²⁸, but cheap to rule out).
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    return this;
  }

  /** Next 32 bits, as int32: xoshiro128** output rotl(5·s1, 7)·9, then the linear engine's step. */
  nextInt32(): number {
    const s = this.s;
    const s1 = s[1];
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] = s1 ^ s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    const s3 = s[3];
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform on (0, 1): (m + ½)·2⁻⁵², m from 20 bits of one output and 32 of the next. */
  uniform(): number {
    const hi = this.nextInt32() >>> 12;
    const lo = this.nextInt32() >>> 0;
    return (hi * 4294967296 + lo + 0.5) * TWO_M52;
  }

  /**
   * Standard normal by the ziggurat: two outputs w, lo; w's low 8 bits pick the layer, bit 8 the
   * sign, its top 20 bits and lo's 32 the abscissa (52 bits). ~99% of calls take the fast path.
   */
  normal(): number {
    const w = this.nextInt32();
    const lo = this.nextInt32() >>> 0;
    const k = w & 255;
    const x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[k];
    if (x < X[k + 1]) return (1 - ((w >>> 7) & 2)) * x;
    return this.normalSlow(w, x);
  }

  /** The ziggurat after a failed fast path on the draw (w, x): tail, wedge test, or a fresh draw. */
  private normalSlow(w: number, x: number): number {
    const k = w & 255;
    const neg = (w & 256) !== 0;
    if (k === 0) {
      // Tail beyond R (Marsaglia 1964): R + a with a ~ Exp(rate R), accepted w.p. exp(−a²/2).
      for (;;) {
        const a = -Math.log(this.uniform()) / R;
        const b = -Math.log(this.uniform());
        if (2 * b > a * a) return neg ? -(R + a) : R + a;
      }
    }
    // Wedge: accept if a uniform height in [f(X[k]), f(X[k+1])] lies under the curve.
    if (F[k] + this.uniform() * (F[k + 1] - F[k]) < Math.exp(-0.5 * x * x)) return neg ? -x : x;
    return this.normal();
  }

  /**
   * Gamma(shape, 1) for shape = ½ or shape ≥ 1. Marsaglia & Tsang, "A simple method for generating
   * gamma variables", ACM TOMS 26 (2000): d(1 + cZ)³ with d = shape − ⅓, c = 1/√(9d), accepted by the
   * squeeze u < 1 − 0.0331 Z⁴ or the log test; acceptance ≥ 95% (≥ 99% from shape 4 on). Shape ½
   * (χ²₁/2, the last off-diagonal of the tridiagonal GOE) is Z²/2 exactly.
   */
  gamma(shape: number): number {
    if (shape === 0.5) {
      const z = this.normal();
      return 0.5 * z * z;
    }
    if (!(shape >= 1)) throw new RangeError(`TrialStream.gamma: shape must be 1/2 or >= 1, got ${shape}`);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = this.normal();
      let v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.uniform();
      const z2 = z * z;
      if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** out[i] = scale · Z for i in [from, to): the next to − from normals, as `normal()` draws them. */
  fillNormal(out: Float64Array, from: number, to: number, scale = 1): void {
    const st = this.s;
    let s0 = st[0];
    let s1 = st[1];
    let s2 = st[2];
    let s3 = st[3];
    for (let i = from; i < to; i++) {
      // Two xoshiro128** outputs, written out (see nextInt32).
      let m = Math.imul(s1, 5);
      const w = Math.imul((m << 7) | (m >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const k = w & 255;
      const x = ((w >>> 12) * 4294967296 + lo) * TWO_M52 * X[k];
      if (x < X[k + 1]) {
        // Branch-free sign (bit 8 → ±1): a 50/50 branch here costs ~4 ns per normal in mispredictions.
        out[i] = scale * (1 - ((w >>> 7) & 2)) * x;
      } else {
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3;
        out[i] = scale * this.normalSlow(w, x);
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3];
      }
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
  }

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
  fillTridiagonalGoe(diag: Float64Array, offSq: Float64Array, from: number, to: number, n: number): void {
    const gd = gammaConstants(n);
    const st = this.s;
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
        diag[k] = this.normalSlow(w, x);
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
          z = this.normalSlow(w, x);
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
}

/** Per n: for k < n − 2, Marsaglia–Tsang's d = (n − 1 − k)/2 − ⅓ and c = 1/√(9d) at [2k], [2k + 1]. */
const gammaCache = new Map<number, Float64Array>();
function gammaConstants(n: number): Float64Array {
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
