import { type CounterKey, threefryLanes as lanes, threefry2x32 } from './threefry.js';
import { R, zigguratTables } from './ziggurat.js';

const TWO_M52 = 2 ** -52;
const { X, F } = zigguratTables();

/**
 * The random stream of one trial: xoshiro128** seeded by Threefry-2×32-20 of the batch key and the
 * trial index. One object serves a whole batch (`reset` per trial), so a trial allocates nothing.
 *
 * The fill kernels keep the generator's state in local variables (V8 keeps them in registers; through
 * the state array every output is loads and stores) and inline the ziggurat's fast path; the rare slow paths
 * go through the state array. Every kernel consumes the stream exactly as the single-variate methods
 * `normal()`, `uniform()` and `gamma()` do, so any mix of them yields the same variates (tested).
 */
export class TrialStream {
  /**
   * xoshiro128** state, four uint32 words (as int32 bits). The fill kernels
   * (shared/trials/tridiagonal-goe.ts) read and write it directly, keeping it in locals.
   */
  readonly s = new Int32Array(4);

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
  /** For the fill kernels only (they inline the fast path). */
  normalSlow(w: number, x: number): number {
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
        // Branch-free sign (bit 8 → ±1): a 50/50 branch here is mispredicted half the time.
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
}
