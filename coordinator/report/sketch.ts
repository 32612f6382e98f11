/**
 * A quantile sketch of positive values in bounded memory: counts in log bins of 1/BINS_PER_DECADE
 * decade, so a quantile is off by at most a factor 10^(1/(2·BINS_PER_DECADE)) (≈ 6% at 20 bins per
 * decade) whatever the number of values. Zeros and negatives are counted below every bin.
 */
export const BINS_PER_DECADE = 20;

export class LogSketch {
  private readonly bins = new Map<number, number>();
  private below = 0;
  total = 0;

  add(v: number): void {
    if (Number.isNaN(v)) return;
    this.total++;
    if (!(v > 0)) {
      this.below++;
      return;
    }
    // Guard: +∞ (an overflowed run) goes to one top bin rather than to NaN.
    const b = Number.isFinite(v) ? Math.floor(Math.log10(v) * BINS_PER_DECADE) : 400 * BINS_PER_DECADE;
    this.bins.set(b, (this.bins.get(b) ?? 0) + 1);
  }

  /** The q-quantile (0 ≤ q ≤ 1) at its bin's geometric centre; 0 when it falls among the zeros; NaN if empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = q * (this.total - 1);
    let seen = this.below;
    if (rank < seen) return 0;
    for (const b of [...this.bins.keys()].sort((x, y) => x - y)) {
      seen += this.bins.get(b)!;
      if (rank < seen) return 10 ** ((b + 0.5) / BINS_PER_DECADE);
    }
    return Number.NaN;
  }
}
