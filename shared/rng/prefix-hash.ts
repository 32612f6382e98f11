import { createHash, type Hash } from 'node:crypto';
import { Sha256Head } from './sha256.js';

/**
 * SHA-256 of many texts that share a long head (a configuration's tasks, around their seed): the
 * hash state after the head is kept for each text. The digest is SHA-256 of head + tail, bit for
 * bit: ASCII tails through sha256.ts's JavaScript compressions from the head's state, others
 * through a copy of node:crypto's (tiny runs hash a task id and an init stream each).
 */
export class PrefixHash {
  private readonly state: Hash;
  private readonly js: Sha256Head;
  private readonly words = new Int32Array(8);

  constructor(readonly head: string) {
    this.state = createHash('sha256').update(head);
    this.js = new Sha256Head(Buffer.from(head, 'utf8'));
  }

  /** The digest (a fresh Buffer). */
  digest(tail: string): Buffer {
    if (!this.js.digestWords(tail, this.words)) return this.state.copy().update(tail).digest();
    const out = Buffer.alloc(32);
    for (let i = 0; i < 8; i++) out.writeInt32BE(this.words[i], 4 * i);
    return out;
  }

  /** The digest's first `chars` hex digits. */
  hex(tail: string, chars = 64): string {
    if (!this.js.digestWords(tail, this.words))
      return this.state.copy().update(tail).digest('hex').slice(0, chars);
    let s = '';
    for (let i = 0; 8 * i < chars; i++) {
      const w = this.words[i];
      s += HEX[w >>> 24] + HEX[(w >>> 16) & 0xff] + HEX[(w >>> 8) & 0xff] + HEX[w & 0xff];
    }
    return s.length === chars ? s : s.slice(0, chars);
  }

  /** hex(tail, chars)'s digits as ASCII bytes, written into out[at …]: no string made. */
  hexInto(tail: string, out: Uint8Array, at: number, chars: number): void {
    if (!this.js.digestWords(tail, this.words)) {
      const h = this.hex(tail, chars);
      for (let j = 0; j < chars; j++) out[at + j] = h.charCodeAt(j);
      return;
    }
    for (let j = 0; j < chars; j++) {
      const nibble = (this.words[j >> 3] >>> (28 - 4 * (j & 7))) & 0xf;
      out[at + j] = nibble < 10 ? 48 + nibble : 87 + nibble;
    }
  }

  /** hexInto of the tail `${seeds[i]}${suffix}` for every seed, into out[chars · i …]. */
  seedsHexInto(seeds: ArrayLike<number>, suffix: string, out: Uint8Array, chars: number): void {
    let i = 0;
    for (; i + 4 <= seeds.length; i += 4) this.seedsHexInto4(seeds, i, suffix, out, i * chars, chars, chars);
    for (; i < seeds.length; i++) this.hexInto(seeds[i] + suffix, out, i * chars, chars);
  }

  /**
   * hexInto for the tails `${seeds[from + l]}${suffix}`, l < 4, into out[at + l · stride …]: four
   * at once where the SIMD kernel can (Sha256Head.digestSeeds4), else one at a time.
   */
  seedsHexInto4(
    seeds: ArrayLike<number>,
    from: number,
    suffix: string,
    out: Uint8Array,
    at: number,
    stride: number,
    chars: number,
  ): void {
    if (!this.js.digestSeeds4(seeds, from, suffix, this.words4)) {
      for (let l = 0; l < 4; l++) this.hexInto(seeds[from + l] + suffix, out, at + l * stride, chars);
      return;
    }
    const w = this.words4;
    for (let l = 0; l < 4; l++)
      for (let j = 0, o = at + l * stride; j < chars; j++) {
        const nibble = (w[8 * l + (j >> 3)] >>> (28 - 4 * (j & 7))) & 0xf;
        out[o + j] = nibble < 10 ? 48 + nibble : 87 + nibble;
      }
  }

  /** int32LE for the tails `${seeds[from + l]}${suffix}`, l < 4, into state[4 (from + l) …]. */
  seedsInt32LE4(seeds: ArrayLike<number>, from: number, suffix: string, state: Int32Array): void {
    if (!this.js.digestSeeds4(seeds, from, suffix, this.words4)) {
      for (let l = 0; l < 4; l++) state.set(this.int32LE(seeds[from + l] + suffix), 4 * (from + l));
      return;
    }
    const w = this.words4;
    for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) state[4 * (from + l) + i] = swap32(w[8 * l + i]);
  }

  private readonly words4 = new Int32Array(32);

  /**
   * The digest's first 16 bytes as four little-endian int32 (a stream's generator state: what
   * Buffer.readInt32LE reads at 0, 4, 8, 12), with no text in between.
   */
  int32LE(tail: string): [number, number, number, number] {
    if (!this.js.digestWords(tail, this.words)) {
      const d = this.state.copy().update(tail).digest();
      return [d.readInt32LE(0), d.readInt32LE(4), d.readInt32LE(8), d.readInt32LE(12)];
    }
    const w = this.words;
    return [swap32(w[0]), swap32(w[1]), swap32(w[2]), swap32(w[3])];
  }
}

/** A big-endian word read little-endian: its bytes reversed. */
function swap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The PrefixHash of a head, kept for reuse: a block's tasks, or a study's streams, share a few
 * heads. Bounded: cleared when it holds more than `MAX` (a study has a handful of configurations
 * live at once).
 */
const MAX = 256;
const cache = new Map<string, PrefixHash>();
export function prefixHash(head: string): PrefixHash {
  let h = cache.get(head);
  if (h === undefined) {
    if (cache.size >= MAX) cache.clear();
    h = new PrefixHash(head);
    cache.set(head, h);
  }
  return h;
}
