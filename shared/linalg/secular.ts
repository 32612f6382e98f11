/**
 * One root of the secular equation f(λ) = 1 + ρ Σᵢ zᵢ² / (dᵢ − λ) = 0 (LAPACK dlaed4's job), for
 * the rank-one update D + ρ z zᵀ with d ascending and distinct, z without zero entries, ρ > 0.
 * Root j lies in (d_j, d_{j+1}), the last one in (d_{K−1}, d_{K−1} + ρ‖z‖²].
 *
 * The root is found as λ = d_o + τ from the nearer pole d_o, and the differences dᵢ − λ are formed
 * as (dᵢ − d_o) − τ, so they keep full relative accuracy even when λ is within rounding of a pole;
 * the eigenvectors and the Gu–Eisenstat correction of z are built from these differences.
 * Iteration: the "middle way" rational model of Li / dlaed4 (each side of the root is modelled by
 * its nearest pole plus a constant, matched in value and slope), safeguarded by a bracket that
 * shrinks with every evaluation; a step that leaves the bracket is replaced by bisection.
 */

const EPS = 2 ** -52;
const MAX_ITER = 100;

/** ψ, ψ', φ, φ' of the last evaluation (module scratch: no allocation per iteration). */
const sums = new Float64Array(4);

/**
 * ψ = Σ_{i <= pa} ρ zᵢ²/(δᵢ − τ), φ = Σ_{i > pa} likewise, and their derivatives in τ. δᵢ − τ != 0:
 * τ stays strictly inside a bracket between poles.
 */
function evaluate(k: number, delta: Float64Array, z: Float64Array, rho: number, pa: number, tau: number) {
  let psi = 0;
  let dpsi = 0;
  let phi = 0;
  let dphi = 0;
  for (let i = 0; i <= pa; i++) {
    const t = z[i] / (delta[i] - tau);
    psi += z[i] * t;
    dpsi += t * t;
  }
  for (let i = pa + 1; i < k; i++) {
    const t = z[i] / (delta[i] - tau);
    phi += z[i] * t;
    dphi += t * t;
  }
  sums[0] = rho * psi;
  sums[1] = rho * dpsi;
  sums[2] = rho * phi;
  sums[3] = rho * dphi;
}

/**
 * Returns λ_j and writes delta[i] = dᵢ − λ_j for i < K. `z` need not be normalized; `zz` = ‖z‖².
 */
export function secularRoot(
  k: number,
  d: Float64Array,
  z: Float64Array,
  rho: number,
  zz: number,
  j: number,
  delta: Float64Array,
): number {
  if (k === 1) {
    delta[0] = -rho * z[0] * z[0];
    return d[0] + rho * z[0] * z[0];
  }
  const last = j === k - 1;
  // The two poles the model keeps: the interval's ends, or for the last root the two largest d.
  const pa = last ? k - 2 : j;
  const pb = pa + 1;
  let origin = j;
  let lo: number;
  let hi: number;
  let tau: number;
  for (let i = 0; i < k; i++) delta[i] = d[i] - d[j];
  if (!last) {
    // Which half of (d_j, d_{j+1}) holds the root decides the origin (f increases on the interval);
    // the evaluation at the midpoint is also the first iterate's.
    const half = (d[j + 1] - d[j]) / 2;
    evaluate(k, delta, z, rho, pa, half);
    if (1 + sums[0] + sums[2] >= 0) {
      lo = 0;
      hi = half;
      tau = half;
    } else {
      origin = j + 1;
      for (let i = 0; i < k; i++) delta[i] = d[i] - d[j + 1];
      lo = -half;
      hi = 0;
      tau = -half;
    }
  } else {
    // Interlacing: d_{K−1} < λ_{K−1} <= d_{K−1} + ρ‖z‖².
    lo = 0;
    hi = rho * zz;
    tau = hi;
    evaluate(k, delta, z, rho, pa, tau);
  }
  for (let iter = 0; iter < MAX_ITER; iter++) {
    if (iter > 0) evaluate(k, delta, z, rho, pa, tau);
    const psi = sums[0];
    const dpsi = sums[1];
    const phi = sums[2];
    const dphi = sums[3];
    const f = 1 + psi + phi;
    // Rounding-error bound on the computed f (dlaed4's ERRETM): the sums, plus |τ| f' from forming
    // (dᵢ − d_o) − τ. Below it the sign of f carries no information: τ is as good as it gets.
    const err = EPS * (8 * (1 + Math.abs(psi) + Math.abs(phi)) + Math.abs(tau) * (dpsi + dphi));
    if (Math.abs(f) <= err) break;
    if (f < 0) lo = tau;
    else hi = tau;
    const da = delta[pa] - tau;
    const db = delta[pb] - tau;
    // Model c + s/(da − η) + S/(db − η) with s = da² ψ', S = db² φ': η solves c η² − a η + b = 0.
    const c = f - da * dpsi - db * dphi;
    const a = (da + db) * f - da * db * (dpsi + dphi);
    const b = da * db * f;
    let eta = Number.NaN;
    if (c !== 0) {
      // Both roots, each from the cancellation-free formula; keep the one on the root's side of the poles.
      const disc = Math.sqrt(Math.abs(a * a - 4 * b * c));
      const q = (a + (a >= 0 ? disc : -disc)) / 2;
      const r1 = q / c;
      const r2 = q !== 0 ? b / q : Number.NaN;
      const inside = (x: number) => (last ? x > db : x > da && x < db);
      if (inside(r1) && (!inside(r2) || Math.abs(r1) < Math.abs(r2))) eta = r1;
      else if (inside(r2)) eta = r2;
    } else if (a !== 0) eta = b / a;
    let next = tau + eta;
    // Outside the bracket (or NaN): bisect. lo < hi always, and the root lies strictly between.
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (next === tau || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) {
      tau = next;
      break;
    }
    tau = next;
  }
  for (let i = 0; i < k; i++) delta[i] -= tau;
  return d[origin] + tau;
}
