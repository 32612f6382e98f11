/**
 * The seeds of a study as sorted, disjoint half-open ranges [lo, hi): `seeds: N` is one range
 * [0, N), a list is sorted and deduplicated first. A plan of 10⁷ seeds is then a few numbers, and
 * `at(k)` (the k-th seed in ascending order) costs a binary search over the ranges.
 */
export class SeedSet {
  /** Cumulative counts: starts[j] seeds lie in ranges before j. */
  private readonly starts: number[];
  readonly size: number;

  private constructor(readonly ranges: readonly (readonly [number, number])[]) {
    let n = 0;
    this.starts = ranges.map(([lo, hi]) => {
      const s = n;
      n += hi - lo;
      return s;
    });
    this.size = n;
  }

  static of(seeds: number | readonly number[]): SeedSet {
    if (typeof seeds === 'number') return new SeedSet(seeds > 0 ? [[0, seeds]] : []);
    const sorted = Float64Array.from(seeds).sort();
    const ranges: [number, number][] = [];
    for (const s of sorted) {
      const last = ranges[ranges.length - 1];
      if (last && s < last[1]) continue; // a duplicate
      if (last && s === last[1]) last[1] = s + 1;
      else ranges.push([s, s + 1]);
    }
    return new SeedSet(ranges);
  }

  /** The k-th seed, 0 ≤ k < size. */
  at(k: number): number {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return this.ranges[lo][0] + (k - this.starts[lo]);
  }

  has(seed: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (seed < a) hi = mid - 1;
      else if (seed >= b) lo = mid + 1;
      else return true;
    }
    return false;
  }
}
