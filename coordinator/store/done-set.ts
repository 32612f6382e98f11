/** Bits per chunk of a seed bitmap: a chunk is allocated when one of its seeds is done. */
const CHUNK_BITS = 1 << 16;

/**
 * Which units (seeds, or trial batches) of each configuration have a row: one bit a unit, in
 * chunks allocated on first use, so 10⁷ done seeds of one configuration take 1.25 MB and a sparse
 * list of large seeds stays small. This is all a resume needs to know.
 */
export class DoneSet {
  private readonly configs = new Map<string, Map<number, Uint32Array>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Marks (config, unit) done; returns false if it already was. */
  add(config: string, unit: number): boolean {
    let chunks = this.configs.get(config);
    if (!chunks) {
      chunks = new Map();
      this.configs.set(config, chunks);
    }
    const c = Math.floor(unit / CHUNK_BITS);
    let bits = chunks.get(c);
    if (!bits) {
      bits = new Uint32Array(CHUNK_BITS / 32);
      chunks.set(c, bits);
    }
    const b = unit - c * CHUNK_BITS;
    const mask = 1 << (b & 31);
    if (bits[b >>> 5] & mask) return false;
    bits[b >>> 5] |= mask;
    this.count++;
    return true;
  }

  has(config: string, unit: number): boolean {
    const bits = this.configs.get(config)?.get(Math.floor(unit / CHUNK_BITS));
    if (!bits) return false;
    const b = unit % CHUNK_BITS;
    return (bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  /** The configurations with at least one done unit. */
  configsDone(): string[] {
    return [...this.configs.keys()];
  }

  /** Done units of a configuration, ascending. */
  *units(config: string): Generator<number> {
    const chunks = this.configs.get(config);
    if (!chunks) return;
    for (const c of [...chunks.keys()].sort((a, b) => a - b)) {
      const bits = chunks.get(c)!;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w];
        while (word !== 0) {
          const low = word & -word;
          yield c * CHUNK_BITS + w * 32 + (31 - Math.clz32(low));
          word ^= low;
        }
      }
    }
  }

  countOf(config: string): number {
    let n = 0;
    for (const bits of this.configs.get(config)?.values() ?? [])
      for (const word of bits) {
        let v = word - ((word >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
      }
    return n;
  }
}
