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

const K = Int32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

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
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
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
    const r = this.rest.length;
    const len = r + tail.length;
    // Message, 0x80, zeros, 64-bit bit length: whole blocks.
    const blocks = Math.ceil((len + 9) / 64);
    if (blocks * 64 > this.block.length) return false;
    const m = this.block;
    m.set(this.rest, 0);
    for (let i = 0; i < tail.length; i++) {
      const c = tail.charCodeAt(i);
      if (c > 0x7f) return false;
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
    h.set(this.mid);
    for (let off = 0; off < end; off += 64) compress(h, m, off);
    return true;
  }
}
