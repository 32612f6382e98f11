import { SHA256_K } from './sha256-k.js';
import { SHA4_MAX_BLOCKS, sha4 } from './sha256-simd.js';

/**
 * SHA-256 (FIPS 180-4) of a fixed head followed by short ASCII tails, in plain JavaScript: the
 * state after the head's whole blocks is kept, and each tail costs one or two compressions with no
 * call into node:crypto and no object to collect. A tiny run hashes two such texts (its task id
 * and its init stream). Measured on a fused torus Newton block (dist/test/bench/run.js tiny, and a
 * CPU profile of it): node:crypto's copied Hash objects (copy, update, digest, and the garbage
 * collection of their native handles) took about a third of the run's time, more than the
 * compressions here. node:crypto stays the reference: test/shared/stream.test.ts checks these
 * digests against it, and prefix-hash.ts uses it for tails that are not ASCII.
 */

const INITIAL = Int32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

const W = new Int32Array(64);

/** One compression of the 64-byte block at `off` of `bytes` into `h`. */
function compress(h: Int32Array, bytes: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + 4 * i;
    W[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let k = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + SHA256_K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + k) | 0;
}

/** A tail's message blocks as words, for the SIMD kernel. */
interface Sha4Template {
  readonly blocks: number;
  readonly words: Int32Array;
}

/** How many decimal digits an integer in [0, 2³¹) has, or 0 for anything else. */
function decimalDigits(s: number): number {
  if (!Number.isInteger(s) || s < 0 || s >= 2 ** 31) return 0;
  let n = 1;
  for (let v = s; v >= 10; v = Math.floor(v / 10)) n++;
  return n;
}

/** SHA-256 of `head` + tail for many ASCII tails, the head's whole blocks compressed once. */
export class Sha256Head {
  private readonly mid = new Int32Array(8);
  /** The head's bytes past its last whole block. */
  private readonly rest: Uint8Array;
  private readonly headBytes: number;
  private readonly block = new Uint8Array(64 * 4);

  constructor(head: Uint8Array) {
    this.mid.set(INITIAL);
    const whole = head.length - (head.length % 64);
    for (let off = 0; off < whole; off += 64) compress(this.mid, head, off);
    this.rest = head.slice(whole);
    this.headBytes = head.length;
  }

  /**
   * The digest of head + tail as its 8 big-endian words into `h`, or false when the tail is not
   * ASCII or too long for the scratch blocks (the caller hashes it another way).
   */
  digestWords(tail: string, h: Int32Array): boolean {
    const blocks = this.fill(tail, this.block);
    if (blocks === 0) return false;
    h.set(this.mid);
    for (let off = 0; off < 64 * blocks; off += 64) compress(h, this.block, off);
    return true;
  }

  /**
   * digestWords of the tails `${seeds[from + l]}${suffix}` (l < 4) at once, lane l's digest into
   * h[8 l … 8 l + 7], through the SIMD kernel (sha256-simd.ts). The message words are a
   * template's (the tail with zeros for digits), the seed's digits added into the words they fall
   * in ('0' + d is 0x30 + d: no carry). False when there is no kernel, a seed is not an integer in
   * [0, 2³¹) or the four have different digit counts, or the suffix is not ASCII or too long: the
   * caller hashes them one at a time.
   */
  digestSeeds4(seeds: ArrayLike<number>, from: number, suffix: string, h: Int32Array): boolean {
    const k = sha4();
    if (k === null) return false;
    const digits = decimalDigits(seeds[from]);
    if (digits === 0) return false;
    for (let l = 1; l < 4; l++) if (decimalDigits(seeds[from + l]) !== digits) return false;
    const t = this.template(digits, suffix);
    if (t === null) return false;
    const w = k.words;
    for (let i = 0; i < 8; i++) {
      const v = this.mid[i];
      w[4 * i] = v;
      w[4 * i + 1] = v;
      w[4 * i + 2] = v;
      w[4 * i + 3] = v;
    }
    if (k.loaded !== t) {
      for (let i = 0; i < t.words.length; i++) {
        const at = 32 + 4 * i;
        const v = t.words[i];
        w[at] = v;
        w[at + 1] = v;
        w[at + 2] = v;
        w[at + 3] = v;
      }
      k.loaded = t;
    }
    const first = this.rest.length;
    for (let l = 0; l < 4; l++) {
      // The words the digits fall in, back to the template's, then each digit added in place.
      for (let i = first >> 2; i <= (first + digits - 1) >> 2; i++) w[32 + 4 * i + l] = t.words[i];
      let s = seeds[from + l];
      for (let p = first + digits - 1; p >= first; p--) {
        const d = s % 10;
        s = (s - d) / 10;
        w[32 + 4 * (p >> 2) + l] += d << (24 - 8 * (p & 3));
      }
    }
    k.run(t.blocks);
    for (let l = 0; l < 4; l++) for (let i = 0; i < 8; i++) h[8 * l + i] = w[4 * i + l];
    return true;
  }

  /** The message words of the tail `${'0' × digits}${suffix}`, the last asked for kept. */
  private last: { digits: number; suffix: string; t: Sha4Template | null } | null = null;
  private template(digits: number, suffix: string): Sha4Template | null {
    const c = this.last;
    if (c !== null && c.digits === digits && c.suffix === suffix) return c.t;
    const m = new Uint8Array(64 * SHA4_MAX_BLOCKS);
    const blocks = this.fill('0'.repeat(digits) + suffix, m);
    let t: Sha4Template | null = null;
    if (blocks > 0) {
      const words = new Int32Array(16 * blocks);
      for (let i = 0; i < words.length; i++)
        words[i] = (m[4 * i] << 24) | (m[4 * i + 1] << 16) | (m[4 * i + 2] << 8) | m[4 * i + 3];
      t = { blocks, words };
    }
    this.last = { digits, suffix, t };
    return t;
  }

  /**
   * The message blocks of head + tail past the head's whole blocks (its rest, the tail, 0x80,
   * zeros, the 64-bit bit length) into m; their number, or 0 when the tail is not ASCII or they do
   * not fit in m.
   */
  private fill(tail: string, m: Uint8Array): number {
    const r = this.rest.length;
    const len = r + tail.length;
    const blocks = Math.ceil((len + 9) / 64);
    if (blocks * 64 > m.length) return 0;
    m.set(this.rest, 0);
    for (let i = 0; i < tail.length; i++) {
      const c = tail.charCodeAt(i);
      if (c > 0x7f) return 0;
      m[r + i] = c;
    }
    const end = blocks * 64;
    m[len] = 0x80;
    m.fill(0, len + 1, end - 8);
    const bits = (this.headBytes + tail.length) * 8;
    const hi = Math.floor(bits / 2 ** 32);
    m[end - 8] = hi >>> 24;
    m[end - 7] = hi >>> 16;
    m[end - 6] = hi >>> 8;
    m[end - 5] = hi;
    m[end - 4] = bits >>> 24;
    m[end - 3] = bits >>> 16;
    m[end - 2] = bits >>> 8;
    m[end - 1] = bits;
    return blocks;
  }
}
