import { ALPHA } from './ldlt-unblocked.js';

/**
 * ldlt(a, 2).solve(b) for the symmetric a = [[p, q], [q, r]] on scalars, with the same pivot
 * choices, zero test and operations in the same order, so the bits are those of the general path
 * (test/shared/linalg-ldlt2.test.ts compares them over every branch). The general path allocates
 * a copy, a permutation, block marks, a factor object and the solution a call: on a two-angle
 * Newton run that was a seventh of its time (fused tiny runs, shared/fused/torus-newton.ts).
 * Writes the solution to out[0], out[1]; returns false, leaving out as it was, when a is singular
 * (ldlt's `singular`: some eigenvalue of D's blocks within 2·2⁻⁵² max|aᵢⱼ| of zero, or NaN).
 */
export function solveLdlt2(
  p: number,
  q: number,
  r: number,
  b0: number,
  b1: number,
  out: Float64Array,
): boolean {
  let scale = 0;
  scale = Math.max(scale, Math.abs(p));
  scale = Math.max(scale, Math.abs(q));
  scale = Math.max(scale, Math.abs(r));
  const cut = 2 * 2 ** -52 * scale;
  const isZero = (d: number) => !(Math.abs(d) > cut);
  // Lower storage of ldlt-unblocked.ts: m0 = m[0], m2 = m[2] (below the diagonal), m3 = m[3].
  let m0 = p;
  let m2 = q;
  let m3 = r;
  let swapped = false;
  let twoByTwo = false;
  const akk = Math.abs(m0);
  let colmax = 0;
  if (Math.abs(m2) > colmax) colmax = Math.abs(m2);
  if (akk < ALPHA * colmax) {
    // The active block is the whole matrix: rowmax is |m2| = colmax.
    const rowmax = Math.max(0, Math.abs(m2));
    if (akk * rowmax >= ALPHA * colmax * colmax) {
      // 1×1 pivot, no interchange.
    } else if (Math.abs(m3) >= ALPHA * rowmax) {
      const t = m0;
      m0 = m3;
      m3 = t;
      swapped = true;
    } else twoByTwo = true;
  }
  let y0 = swapped ? b1 : b0;
  let y1 = swapped ? b0 : b1;
  if (!twoByTwo) {
    const d = m0;
    if (isZero(d)) return false;
    if (d !== 0) {
      const w = m2;
      const li = w * (1 / d);
      if (li !== 0) m3 -= li * w;
      m2 = li;
    }
    if (isZero(m3)) return false;
    y1 -= m2 * y0;
    y0 /= m0;
    y1 /= m3;
    if (y1 !== 0) y0 -= m2 * y1;
  } else {
    const mean = (m0 + m3) / 2;
    const rad = Math.hypot((m0 - m3) / 2, m2);
    const big = mean >= 0 ? mean + rad : mean - rad;
    if (isZero(big) || isZero((m0 / big) * m3 - (m2 / big) * m2)) return false;
    const d11 = m3 / m2;
    const d22 = m0 / m2;
    const tq = 1 / (d11 * d22 - 1) / m2;
    const z0 = y0;
    const z1 = y1;
    y0 = tq * (d11 * z0 - z1);
    y1 = tq * (d22 * z1 - z0);
  }
  out[swapped ? 1 : 0] = y0;
  out[swapped ? 0 : 1] = y1;
  return true;
}
