/**
 * Bounded, deterministic samples of a stream. A report draws at most a few thousand runs per
 * figure; which ones depends only on their task ids (a hash already), never on the order or the
 * number of rows read, so a resumed or re-read study draws the same runs.
 */

/** A task id's position in [0, 2³²): its first 8 hex digits (task ids are SHA-256 prefixes). */
export function idHash(taskId: string): number {
  const h = Number.parseInt(taskId.slice(0, 8), 16);
  return Number.isFinite(h) ? h : 0;
}

/**
 * The k items of smallest rank seen (ties broken by arrival), in memory O(k): items are kept in
 * an array that is sorted and cut back to k whenever it reaches 2k.
 */
export class BottomK<T> {
  private items: Array<{ rank: number; tie: number; item: T }> = [];
  private arrived = 0;

  constructor(
    private readonly k: number,
    private readonly rankOf: (x: T) => number,
  ) {}

  add(x: T): void {
    this.items.push({ rank: this.rankOf(x), tie: this.arrived++, item: x });
    if (this.items.length >= 2 * this.k) this.cut();
  }

  private cut(): void {
    this.items.sort((a, b) => a.rank - b.rank || a.tie - b.tie);
    this.items.length = Math.min(this.items.length, this.k);
  }

  /** The kept items, by rank. */
  values(): T[] {
    this.cut();
    return this.items.map((e) => e.item);
  }

  /** How many items were offered in all. */
  get seen(): number {
    return this.arrived;
  }
}

/** A map whose values are created on first use. */
export function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}
