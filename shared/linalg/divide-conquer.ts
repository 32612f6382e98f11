/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal T by Cuppen's divide and conquer, as
 * LAPACK dstedc/dlaed0–3: T = diag(T₁, T₂) + ρ u uᵀ; solve both halves; the merge is the rank-one
 * update D + ρ z zᵀ of their spectra. Deflation (tiny zᵢ, or two nearly equal dᵢ rotated together)
 * removes most of the work on matrices with clustered spectra; the rest is one secular equation
 * per eigenvalue (secular.ts), Gu–Eisenstat's recomputed z (so the vectors come out orthogonal
 * without reorthogonalization) and a matrix product with the halves' eigenvectors (gemm.ts).
 */
import { matmul } from './gemm.js';
import { secularRoot } from './secular.js';
import { pythag, qlVectors } from './tridiagonal-ql.js';

const EPS = 2 ** -52;
/** Blocks up to this size go to implicit QL (dlaed0's SMLSIZ = 25). */
const LEAF = 25;

/**
 * d: diagonal, e: subdiagonal (e[i] = T[i+1, i], e[n − 1] = 0); both are overwritten, d with the
 * eigenvalues (unsorted). Returns Z, n × n row-major, column j the unit eigenvector of d[j].
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, n: number): Float64Array {
  const z = new Float64Array(n * n);
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]) + Math.abs(e[i]));
  // Split where the coupling is negligible against ‖T‖ (the same test as QL's deflation): a
  // normwise backward error of ε‖T‖, and the blocks are independent problems.
  let start = 0;
  for (let i = 0; i < n; i++)
    if (i === n - 1 || Math.abs(e[i]) <= EPS * tnorm) {
      solveBlock(d, e, start, i + 1, z, n);
      start = i + 1;
    }
  return z;
}

function solveBlock(d: Float64Array, e: Float64Array, lo: number, hi: number, z: Float64Array, n: number) {
  if (hi - lo === 1) {
    z[lo * n + lo] = 1;
    return;
  }
  // Scale the block to max entry ≈ 1 by a power of two (exact), so the secular equations neither
  // over- nor underflow. big > 0: inside a block every coupling exceeds ε‖T‖ >= 0.
  let big = 0;
  for (let i = lo; i < hi; i++) big = Math.max(big, Math.abs(d[i]));
  for (let i = lo; i < hi - 1; i++) big = Math.max(big, Math.abs(e[i]));
  const s = 2 ** -Math.round(Math.log2(big));
  for (let i = lo; i < hi; i++) d[i] *= s;
  for (let i = lo; i < hi - 1; i++) e[i] *= s;
  recurse(d, e, lo, hi, z, n);
  for (let i = lo; i < hi; i++) d[i] /= s;
}

function recurse(d: Float64Array, e: Float64Array, lo: number, hi: number, z: Float64Array, n: number): void {
  const k = hi - lo;
  if (k <= LEAF) {
    const dl = d.slice(lo, hi);
    const el = new Float64Array(k);
    el.set(e.subarray(lo, hi - 1));
    for (let r = 0; r < k; r++) z[(lo + r) * n + lo + r] = 1;
    qlVectors(dl, el, k, z, k, n, lo * n + lo);
    d.set(dl, lo);
    return;
  }
  const mid = lo + (k >> 1);
  // Cuppen's tear with |ρ| (dlaed0): T = diag(T₁ − |ρ| e eᵀ, T₂ − |ρ| e eᵀ) + |ρ| u uᵀ with
  // u = e_{mid−1} + sign(ρ) e_mid, so the rank-one term is always positive semidefinite.
  const rho = e[mid - 1];
  d[mid - 1] -= Math.abs(rho);
  d[mid] -= Math.abs(rho);
  recurse(d, e, lo, mid, z, n);
  recurse(d, e, mid, hi, z, n);
  merge(d, z, n, lo, mid, hi, rho);
}

/** Column kinds (dlaed2's COLTYP): nonzero only in the top rows, in both halves, only in the bottom. */
const TOP = 1;
const BOTH = 2;
const BOTTOM = 3;

function merge(
  d: Float64Array,
  z: Float64Array,
  n: number,
  lo: number,
  mid: number,
  hi: number,
  rho0: number,
) {
  const k = hi - lo;
  const k1 = mid - lo;
  const base = lo * n + lo;
  // z = Qᵀu / √2: the last row of Q₁ and sign(ρ) × the first row of Q₂; ‖z‖ = 1, ρ = 2|ρ₀|.
  const zv = new Float64Array(k);
  const sg = rho0 >= 0 ? Math.SQRT1_2 : -Math.SQRT1_2;
  for (let c = 0; c < k1; c++) zv[c] = z[base + (k1 - 1) * n + c] * Math.SQRT1_2;
  for (let c = k1; c < k; c++) zv[c] = z[base + k1 * n + c] * sg;
  const rho = 2 * Math.abs(rho0);
  const dv = d.slice(lo, hi);
  const kind = new Uint8Array(k).fill(TOP, 0, k1).fill(BOTTOM, k1);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => dv[a] - dv[b] || a - b);
  let dmax = 0;
  let zmax = 0;
  for (let c = 0; c < k; c++) {
    dmax = Math.max(dmax, Math.abs(dv[c]));
    zmax = Math.max(zmax, Math.abs(zv[c]));
  }
  // dlaed2's deflation tolerance: 8ε × the scale of D and z (which has norm 1).
  const tol = 8 * EPS * Math.max(dmax, zmax);
  const kept: number[] = [];
  const deflated: number[] = [];
  for (const c of order) {
    if (rho * Math.abs(zv[c]) <= tol) {
      // ρ zᵢ negligible: (dᵢ, Q eᵢ) is already an eigenpair of the merged matrix.
      deflated.push(c);
      continue;
    }
    if (kept.length > 0) {
      const p = kept[kept.length - 1];
      // tau >= |zv[c]| > tol / ρ > 0.
      const tau = pythag(zv[c], zv[p]);
      const cs = zv[c] / tau;
      const sn = -zv[p] / tau;
      if (Math.abs((dv[c] - dv[p]) * cs * sn) <= tol) {
        // d_p ≈ d_c: a rotation of the two columns zeroes z_p, leaving an off-diagonal below tol.
        zv[c] = tau;
        zv[p] = 0;
        for (let r = 0, o = base; r < k; r++, o += n) {
          const x = z[o + p];
          const y = z[o + c];
          z[o + p] = cs * x + sn * y;
          z[o + c] = cs * y - sn * x;
        }
        if (kind[p] !== kind[c]) {
          kind[p] = BOTH;
          kind[c] = BOTH;
        }
        const dp = dv[p];
        const dc = dv[c];
        dv[p] = dp * cs * cs + dc * sn * sn;
        dv[c] = dp * sn * sn + dc * cs * cs;
        kept[kept.length - 1] = c;
        deflated.push(p);
        continue;
      }
    }
    kept.push(c);
  }
  const big = kept.length;
  const u = rankOneVectors(kept, dv, zv, rho);
  const lam = u.values;
  // New vectors Q·U, the top rows from the columns that live there, likewise the bottom rows.
  const top = kept.map((_, i) => i).filter((i) => kind[kept[i]] !== BOTTOM);
  const bottom = kept.map((_, i) => i).filter((i) => kind[kept[i]] !== TOP);
  const ctop = product(z, n, base, 0, k1, kept, top, u.vectorsT, big);
  const cbot = product(z, n, base, k1, k, kept, bottom, u.vectorsT, big);
  const nd = deflated.length;
  const dq = new Float64Array(k * nd);
  for (let r = 0; r < k; r++) for (let c = 0; c < nd; c++) dq[r * nd + c] = z[base + r * n + deflated[c]];
  for (let r = 0; r < k; r++) {
    const row = base + r * n;
    const src = r < k1 ? ctop : cbot;
    const off = (r < k1 ? r : r - k1) * big;
    for (let j = 0; j < big; j++) z[row + j] = src[off + j];
    for (let c = 0; c < nd; c++) z[row + big + c] = dq[r * nd + c];
  }
  for (let j = 0; j < big; j++) d[lo + j] = lam[j];
  for (let c = 0; c < nd; c++) d[lo + big + c] = dv[deflated[c]];
}

/**
 * Roots and eigenvectors of diag(d_kept) + ρ w wᵀ (dlaed3). Returns the eigenvectors TRANSPOSED:
 * K × K row-major, row j = the unit eigenvector of λ_j, so every loop here runs along rows.
 * Gu–Eisenstat: w is replaced by the ŵ for which the computed λ are exact eigenvalues,
 * ŵᵢ² = (λᵢ − dᵢ)/ρ · Π_{j≠i} (λ_j − dᵢ)/(d_j − dᵢ); every factor is positive by interlacing.
 */
function rankOneVectors(kept: number[], dv: Float64Array, zv: Float64Array, rho: number) {
  const big = kept.length;
  const dl = Float64Array.from(kept, (c) => dv[c]);
  const w = Float64Array.from(kept, (c) => zv[c]);
  let zz = 0;
  for (let i = 0; i < big; i++) zz += w[i] * w[i];
  const values = new Float64Array(big);
  // Row j: dᵢ − λ_j, accurate to full relative precision (see secular.ts); becomes row j of Uᵀ.
  const ut = new Float64Array(big * big);
  for (let j = 0; j < big; j++)
    values[j] = secularRoot(big, dl, w, rho, zz, j, ut.subarray(j * big, j * big + big));
  const prod = new Float64Array(big);
  for (let i = 0; i < big; i++) prod[i] = -ut[i * big + i] / rho;
  for (let j = 0; j < big; j++) {
    const row = j * big;
    const dj = dl[j];
    for (let i = 0; i < big; i++) if (i !== j) prod[i] *= -ut[row + i] / (dj - dl[i]);
  }
  for (let i = 0; i < big; i++)
    prod[i] = w[i] >= 0 ? Math.sqrt(Math.abs(prod[i])) : -Math.sqrt(Math.abs(prod[i]));
  for (let j = 0; j < big; j++) {
    const row = j * big;
    let norm = 0;
    for (let i = 0; i < big; i++) {
      const x = prod[i] / ut[row + i];
      ut[row + i] = x;
      norm += x * x;
    }
    // ŵ has no zero entry after deflation, so every row has a nonzero entry: norm > 0.
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < big; i++) ut[row + i] *= inv;
  }
  return { values, vectorsT: ut };
}

/** (Q rows r0..r1, columns kept[cols]) × (U rows cols): a dense (r1 − r0) × K product; ut = Uᵀ. */
function product(
  z: Float64Array,
  n: number,
  base: number,
  r0: number,
  r1: number,
  kept: number[],
  cols: number[],
  ut: Float64Array,
  big: number,
): Float64Array {
  const m = r1 - r0;
  const p = cols.length;
  const q = new Float64Array(m * p);
  for (let r = 0; r < m; r++) {
    const row = base + (r0 + r) * n;
    for (let c = 0; c < p; c++) q[r * p + c] = z[row + kept[cols[c]]];
  }
  const uu = new Float64Array(p * big);
  for (let j = 0; j < big; j++) {
    const row = j * big;
    for (let c = 0; c < p; c++) uu[c * big + j] = ut[row + cols[c]];
  }
  const out = new Float64Array(m * big);
  matmul(m, big, p, q, uu, out);
  return out;
}
