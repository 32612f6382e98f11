import { wilson, Z95 } from './intervals.js';

/** The difference p₂ − p₁ of two independent proportions, its 95% interval and a test of p₁ = p₂. */
export interface ProportionDifference {
  /** x₂/n₂ − x₁/n₁ (NaN when either total is 0). */
  readonly difference: number;
  /** Newcombe's hybrid score interval (1998, method 10), from the two Wilson intervals. */
  readonly lo: number;
  readonly hi: number;
  /** Two-sided p-value of the pooled two-proportion z test (1 when both are 0 or both 1: no evidence). */
  readonly p: number;
}

/** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Newcombe (1998), "Interval estimation for the difference between independent proportions",
 * method 10: with Wilson intervals (l₁, u₁), (l₂, u₂), the difference d = p₂ − p₁ has the interval
 * [d − √((p₂ − l₂)² + (u₁ − p₁)²), d + √((u₂ − p₂)² + (p₁ − l₁)²)]. Unlike the Wald interval it
 * stays inside [−1, 1] and is not degenerate at counts of 0 or n, which studies here often hit.
 */
export function proportionDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z95,
): ProportionDifference {
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const d = b.fraction - a.fraction;
  const lo = d - Math.sqrt((b.fraction - b.lo) ** 2 + (a.hi - a.fraction) ** 2);
  const hi = d + Math.sqrt((b.hi - b.fraction) ** 2 + (a.fraction - a.lo) ** 2);
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // Guard: a pooled proportion of 0 or 1 has no variance; the two samples agree exactly.
  // min: the erfc approximation exceeds 1 by ~3e-8 at 0.
  const p =
    n1 === 0 || n2 === 0 ? Number.NaN : se === 0 ? 1 : Math.min(1, erfc(Math.abs(d) / se / Math.SQRT2));
  return { difference: d, lo: Math.max(-1, lo), hi: Math.min(1, hi), p };
}
