import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { type PrefixHash, prefixHash } from './prefix-hash.js';

/**
 * A seeded stream of float64 variates. The generator is pure-rand's xoroshiro128+, whose full
 * 128-bit state is taken from SHA-256 of the key parts, so a stream depends only on its key:
 * never on the thread, machine or order that draws from it.
 */
export class Stream {
  private generator: RandomGenerator | null = null;
  private spare = Number.NaN;
  private readonly key: Array<string | number>;

  constructor(...key: Array<string | number>) {
    this.key = key;
  }

  /**
   * The generator, seeded at the first draw: a task builds its problem and init streams, and a
   * problem without random parts (a torus) never draws from the first, whose SHA-256 would be
   * a sizeable share of a tiny run.
   */
  private get gen(): RandomGenerator {
    if (this.generator === null) {
      // SHA-256 of JSON.stringify(key), its head (all but the last part, the seed) hashed once;
      // the state is the digest's first 16 bytes as little-endian int32.
      const key = this.key;
      let state: number[];
      if (key.length > 1) state = headHash(key).int32LE(`${JSON.stringify(key[key.length - 1])}]`);
      else {
        const d = createHash('sha256').update(JSON.stringify(key)).digest();
        state = [d.readInt32LE(0), d.readInt32LE(4), d.readInt32LE(8), d.readInt32LE(12)];
      }
      // xoroshiro128+ must not start from the all-zero state (as in ofState).
      if (!state.some((s) => s !== 0)) state[0] = 1;
      this.generator = xoroshiro128plusFromState(state);
    }
    return this.generator;
  }

  /**
   * The stream of a key whose generator state is known already (seedStates): the same draws as
   * new Stream(...key) gives.
   */
  static ofState(state: Int32Array, at: number): Stream {
    const s = new Stream();
    const st = [state[at], state[at + 1], state[at + 2], state[at + 3]];
    if (!st.some((v) => v !== 0)) st[0] = 1;
    s.generator = xoroshiro128plusFromState(st);
    return s;
  }

  /** Uniform on [0, 1), a multiple of 2⁻⁵³. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform on [a, b). */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Standard normal, Box–Muller (polar-free form; both variates used). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    // 1 − u ∈ (0, 1] keeps the logarithm finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with iid N(mean, sd²). */
  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + sd * this.normal();
    return out;
  }
}

/**
 * The generator states (4 int32 a seed, Stream.ofState's) of the keys [...head, seeds[i]] for
 * integer seeds, four hashed at once where the SIMD kernel can (PrefixHash.seedsInt32LE4): a fused
 * block's init streams.
 */
export function seedStates(head: Array<string | number>, seeds: ArrayLike<number>): Int32Array {
  const n = seeds.length;
  const state = new Int32Array(4 * n);
  const hash = headHash([...head, 0]);
  let i = 0;
  for (; i + 4 <= n; i += 4) hash.seedsInt32LE4(seeds, i, ']', state);
  for (; i < n; i++) state.set(hash.int32LE(`${JSON.stringify(seeds[i])}]`), 4 * i);
  return state;
}

/** The heads of the last few keys and their PrefixHash: a block's streams share all but the seed. */
const heads: { parts: Array<string | number>; hash: PrefixHash }[] = [];

/**
 * The PrefixHash of a key's head (all parts but the last, as JSON up to its last comma). A key
 * whose head parts equal a recent one's (the same strings and numbers) reuses its hash without
 * building the head's JSON and looking it up by that text, both a sizeable share of a tiny run.
 */
function headHash(key: Array<string | number>): PrefixHash {
  const m = key.length - 1;
  search: for (const h of heads) {
    if (h.parts.length !== m) continue;
    for (let i = 0; i < m; i++) if (h.parts[i] !== key[i]) continue search;
    return h.hash;
  }
  const hash = prefixHash(`${JSON.stringify(key.slice(0, -1)).slice(0, -1)},`);
  if (heads.length >= 8) heads.shift();
  heads.push({ parts: key.slice(0, -1), hash });
  return hash;
}
