/**
 * Symmetric eigendecomposition on flat row-major Float64Array, float64 throughout:
 * Householder tridiagonalization (householder-tridiagonal.ts), then
 *  - values only: implicit QL on T without vectors, O(n²) after the reduction;
 *  - values and vectors: divide and conquer on T (divide-conquer.ts) gives T = Z Λ Zᵀ, then
 *    Z ← Q Z by blocked Householder back-transformation (householder-back.ts). The O(n³) matrix
 *    products of both run in a WebAssembly SIMD kernel where available (simd-kernel.ts).
 */
import { tridiagonalEigen } from './divide-conquer.js';
import { applyQ } from './householder-back.js';
import { tridiagonalize } from './householder-tridiagonal.js';
import { qlValues } from './tridiagonal-ql.js';

export interface SymEig {
  /** Ascending eigenvalues. */
  readonly values: Float64Array;
  /** n × n row-major; column j is the unit eigenvector of values[j]; null when not asked for. */
  readonly vectors: Float64Array | null;
}

export function eigSym(a: Float64Array, n: number, opts: { vectors?: boolean } = {}): SymEig {
  if (a.length !== n * n) throw new RangeError(`eigSym: matrix has ${a.length} entries, expected ${n}×${n}`);
  const wantVectors = opts.vectors ?? false;
  if (n === 0) return { values: new Float64Array(0), vectors: wantVectors ? new Float64Array(0) : null };
  const { d, e, reflectors, tau } = tridiagonalize(a, n, wantVectors);
  if (!wantVectors) {
    qlValues(d, e, n);
    return { values: d.sort(), vectors: null };
  }
  const z = tridiagonalEigen(d, e, n);
  applyQ(reflectors!, tau, n, z, n);
  return sortPairs(d, z, n);
}

const D2 = new Float64Array(2);
const E2 = new Float64Array(2);

/**
 * eigSym(a, 2).values of the symmetric [[a00, a10], [a10, a11]], written into `out` (ascending),
 * with no allocation: a tiny run's final classification. The reduction has nothing to do for
 * n = 2 (the column below the subdiagonal is empty: τ = 0, T = A), so the values are qlValues'
 * on (a00, a11; a10), sorted as Float64Array.sort sorts; test/shared/linalg-eig.test.ts compares
 * them bit for bit with eigSym's.
 */
export function eigSym2Values(a00: number, a10: number, a11: number, out: Float64Array): Float64Array {
  D2[0] = a00;
  D2[1] = a11;
  E2[0] = a10;
  E2[1] = 0;
  qlValues(D2, E2, 2);
  D2.sort();
  out[0] = D2[0];
  out[1] = D2[1];
  return out;
}

/** Orders eigenpairs by ascending value, permuting the columns of z along. */
function sortPairs(d: Float64Array, z: Float64Array, n: number): SymEig {
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j] || i - j);
  let sorted = true;
  for (let j = 0; j < n; j++) if (order[j] !== j) sorted = false;
  if (sorted) return { values: d, vectors: z };
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) values[j] = d[order[j]];
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let j = 0; j < n; j++) vectors[row + j] = z[row + order[j]];
  }
  return { values, vectors };
}
