import { createHash } from 'node:crypto';

/**
 * Counter-based random numbers: a variate is a pure function of (key, c0, c1), so a matrix entry
 * can be drawn lazily, in any order, on any thread or machine, and is the same every time.
 *
 * The bit generator is Threefry-2×32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011; the Random123 library's default round count, with a margin
 * over the 13 rounds that already pass TestU01's BigCrush). It is add–rotate–xor on two 32-bit lanes:
 * only int32 additions, shifts and xors, so JavaScript computes it bit-exactly everywhere. It is
 * checked against Random123's known-answer vectors in the tests.
 *
 * Floats: 52 of the 64 output bits make u = (m + ½)·2⁻⁵² ∈ (0, 1), a grid symmetric about ½ (so
 * 1 − u is exact and normal variates are exactly symmetric). Normals are Φ⁻¹(u) by Wichura's AS241
 * (PPND16, relative error about 10⁻¹⁶): one uniform per normal, no rejection and no pairing, which is
 * what an entry-addressed stream wants; the grid reaches |z| ≈ 8.1. Apart from IEEE +, −, ×, ÷ and √
 * it calls only Math.log, which V8 implements with its own fdlibm port (ieee754::log), not the
 * platform's libm, so results do not depend on the machine.
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
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 1) | 0;
  // Rounds 5–8.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + ks0 + 2) | 0;
  // Rounds 9–12.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0; x1 = (x1 + ks1 + 3) | 0;
  // Rounds 13–16.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 4) | 0;
  // Rounds 17–20.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  lanes[0] = (x0 + ks2) | 0;
  lanes[1] = (x1 + ks0 + 5) | 0;
}

/** The two words of the last `threefry2x32` call, as uint32. */
export function threefryOut(): [number, number] {
  return [lanes[0] >>> 0, lanes[1] >>> 0];
}

const TWO_M52 = 2 ** -52;

/** Uniform on (0, 1): (m + ½)·2⁻⁵² with m the top 52 of Threefry's 64 bits at (c0, c1). */
export function counterUniform(key: CounterKey, c0: number, c1: number): number {
  threefry2x32(key.k0, key.k1, c0, c1);
  // 20 bits of word 0 (high) and all 32 of word 1: m < 2⁵², so m + ½ is exact in float64.
  return ((lanes[0] >>> 12) * 4294967296 + (lanes[1] >>> 0) + 0.5) * TWO_M52;
}

/** Standard normal at (c0, c1): Φ⁻¹ of `counterUniform`. */
export function counterNormal(key: CounterKey, c0: number, c1: number): number {
  return normalQuantile(counterUniform(key, c0, c1));
}

/**
 * Φ⁻¹(p) for p ∈ (0, 1): Wichura, "Algorithm AS 241: The percentage points of the normal
 * distribution", Applied Statistics 37 (1988) 477–484, PPND16 (about 16 significant digits).
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    // Central region, 85% of draws: one rational function, no transcendental calls.
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    z =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -z : z;
}
