/**
 * Implicit QL with Wilkinson-type shifts on a symmetric tridiagonal matrix (EISPACK tql1/tql2, as
 * in JAMA), in place. d is the diagonal, e the subdiagonal with e[i] = T[i + 1, i] and
 * e[n − 1] = 0. Eigenvalues come back in d, unsorted.
 *
 * With vectors, each sweep records its plane rotations and then applies them to the rows of the
 * row-major Z (LAPACK dlasr 'R','V','B'): within one row the sweep is a recurrence running along
 * contiguous memory, and two rows run interleaved to hide its latency.
 */

const EPS = 2 ** -52;
const SQRT_LO = 2 ** -500;
const SQRT_HI = 2 ** 500;

/** √(a² + b²) without Math.hypot's cost; scaled only when a square could over- or underflow. */
export function pythag(a: number, b: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const big = Math.max(aa, ab);
  if (big < SQRT_HI && big > SQRT_LO) return Math.sqrt(a * a + b * b);
  return Math.hypot(a, b);
}

/**
 * Iterations allowed per eigenvalue. QL with these shifts converges cubically (in practice 1–2
 * sweeps per eigenvalue); the cap only guards against a non-terminating loop on NaN-free but
 * pathological input, in which case the current approximations are returned.
 */
const MAX_SWEEPS = 60;

/** Eigenvalues only (tql1): O(n²). */
export function qlValues(d: Float64Array, e: Float64Array, n: number): void {
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    // e[n − 1] = 0, so the search stops at m = n − 1 at the latest.
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        let g = d[l];
        // e[l] != 0 here (the block l..m is unreduced), so p is finite.
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = pythag(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = pythag(p, e[i]);
          e[i + 1] = s * r;
          // r >= |e[i]| > 0 within the unreduced block, unless both vanish; then the rotation is the identity.
          if (r === 0) {
            s = 0;
            c = 1;
          } else {
            s = e[i] / r;
            c = p / r;
          }
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1 && ++iter < MAX_SWEEPS);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Eigenvalues and eigenvectors (tql2): the rotations accumulate into Z (rows × n, row-major with
 * row stride ldz, columns at offset col0), which should hold the identity to get T's eigenvectors.
 */
export function qlVectors(
  d: Float64Array,
  e: Float64Array,
  n: number,
  z: Float64Array,
  rows: number,
  ldz: number,
  col0 = 0,
): void {
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = pythag(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = pythag(p, e[i]);
          e[i + 1] = s * r;
          if (r === 0) {
            s = 0;
            c = 1;
          } else {
            s = e[i] / r;
            c = p / r;
          }
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          cs[i] = c;
          sn[i] = s;
        }
        applyRotations(z, rows, ldz, col0, l, m, cs, sn);
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1 && ++iter < MAX_SWEEPS);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * For each row of Z and i = m−1 down to l: (z[i], z[i+1]) ← (c z[i] − s z[i+1], s z[i] + c z[i+1]).
 * The updated z[i] is the next rotation's z[i+1], so it stays in a register (h).
 */
function applyRotations(
  z: Float64Array,
  rows: number,
  ldz: number,
  col0: number,
  l: number,
  m: number,
  cs: Float64Array,
  sn: Float64Array,
): void {
  let k = 0;
  for (; k + 1 < rows; k += 2) {
    const r0 = k * ldz + col0;
    const r1 = r0 + ldz;
    let h0 = z[r0 + m];
    let h1 = z[r1 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i];
      const s = sn[i];
      const x0 = z[r0 + i];
      const x1 = z[r1 + i];
      z[r0 + i + 1] = s * x0 + c * h0;
      z[r1 + i + 1] = s * x1 + c * h1;
      h0 = c * x0 - s * h0;
      h1 = c * x1 - s * h1;
    }
    z[r0 + l] = h0;
    z[r1 + l] = h1;
  }
  if (k < rows) {
    const r0 = k * ldz + col0;
    let h0 = z[r0 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i];
      const s = sn[i];
      const x0 = z[r0 + i];
      z[r0 + i + 1] = s * x0 + c * h0;
      h0 = c * x0 - s * h0;
    }
    z[r0 + l] = h0;
  }
}
