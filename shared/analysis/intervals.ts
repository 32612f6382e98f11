/** 97.5% standard normal quantile: two-sided 95% intervals. */
export const Z95 = 1.959963984540054;

export interface Proportion {
  readonly count: number;
  readonly total: number;
  /** count / total (NaN when total is 0). */
  readonly fraction: number;
  /** 95% Wilson score interval [lo, hi] (NaN when total is 0). */
  readonly lo: number;
  readonly hi: number;
}

/**
 * Wilson score interval (Wilson 1927): unlike the normal approximation it stays inside [0, 1] and
 * is not degenerate at 0 or total successes, which matter here (e.g. "BFGS never ends at a saddle").
 */
export function wilson(count: number, total: number, z = Z95): Proportion {
  if (total === 0) return { count, total, fraction: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const p = count / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  // Clamp rounding only: the exact interval lies in [0, 1], and is exactly 0 / 1 at the edges.
  return {
    count,
    total,
    fraction: p,
    lo: count === 0 ? 0 : Math.max(0, centre - half),
    hi: count === total ? 1 : Math.min(1, centre + half),
  };
}

/**
 * "count (fraction [lo, hi])" with at least `digits` decimals, more where needed so that no value
 * strictly inside (0, 1) prints as 0 or 1 and a non-degenerate interval never prints as [x, x]:
 * 20000 of 20000 reads `[0.9998, 1.000]`, not `[1.000, 1.000]`.
 */
export function formatProportion(p: Proportion, digits = 3): string {
  if (p.total === 0) return '—';
  let d = digits;
  const misleading = (x: number) =>
    x > 0 && x < 1 && (Number(x.toFixed(d)) === 0 || Number(x.toFixed(d)) === 1);
  while (
    d < 12 &&
    ([p.fraction, p.lo, p.hi].some(misleading) || (p.lo < p.hi && p.lo.toFixed(d) === p.hi.toFixed(d)))
  )
    d++;
  return `${p.count} (${p.fraction.toFixed(d)} [${p.lo.toFixed(d)}, ${p.hi.toFixed(d)}])`;
}
