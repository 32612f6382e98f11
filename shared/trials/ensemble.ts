import { type CounterKey, counterKey, type TrialStream } from '../rng/counter.js';
import { fillTridiagonalGoe } from './tridiagonal-goe.js';

/**
 * The random-"Hessian" ensembles of paper §4 (Eq. 13) and the GOE.
 * - `paper`: symmetric, the upper triangle including the diagonal iid N(0, 1).
 * - `goe`: (A + Aᵀ)/2 with A iid N(0, 1), i.e. diagonal N(0, 1) and off-diagonal N(0, ½), all
 *   independent. Entries are drawn with that law directly (one normal per entry, off-diagonals
 *   scaled by √½) rather than by averaging two normals: the same matrix law for half the variates.
 *
 * A trial's dense matrix is drawn in the canonical order of its stream (shared/rng/counter.ts): the
 * lower triangle row by row, entry (i, j) for j ≤ i as the (i(i+1)/2 + j)-th normal. A census that
 * stops after k rows has therefore seen exactly the leading k × k block of the matrix a full
 * factorization of the same trial sees.
 */
export type Ensemble = 'paper' | 'goe';
export const ENSEMBLES: readonly Ensemble[] = ['paper', 'goe'];

/** `dense`: the n × n matrix. `tridiagonal`: Dumitriu–Edelman's model, same eigenvalue law (goe only). */
export type Model = 'dense' | 'tridiagonal';

/** Standard deviation of the off-diagonal entries (the diagonal's is 1 in both ensembles). */
export function offDiagonalSd(ensemble: Ensemble): number {
  return ensemble === 'goe' ? Math.SQRT1_2 : 1;
}

/**
 * Radius of the semicircle that the spectrum of λ/√n fills as n → ∞ (Wigner): 2σ, σ the off-diagonal
 * standard deviation — 2 for `paper`, √2 for `goe`. Used as the natural scale of the matrices.
 */
export function semicircleRadius(ensemble: Ensemble): number {
  return 2 * offDiagonalSd(ensemble);
}

/**
 * The counter key of one study point. Ensemble, model and n are part of it so that different points
 * never share variates (dense paper and goe matrices of one key would otherwise be nearly equal);
 * the method (census or index) is not, so both see the same matrices.
 */
export function trialKey(
  key: ReadonlyArray<string | number>,
  ensemble: Ensemble,
  model: Model,
  n: number,
): CounterKey {
  return counterKey('saddlescope/hessian-trials/v1', ...key, ensemble, model, n);
}

/** Hex fingerprint of a counter key, recorded with results so batches can be checked for overlap. */
export function keyFingerprint(key: CounterKey): string {
  return key.k0.toString(16).padStart(8, '0') + key.k1.toString(16).padStart(8, '0');
}

/**
 * Draws row i of the lower triangle, entries (i, 0…i), into row[0…i]: the next i + 1 variates of the
 * stream. Rows must be drawn in order 0, 1, 2, … after `stream.reset(trial)`.
 */
export function drawRow(stream: TrialStream, ensemble: Ensemble, i: number, row: Float64Array): void {
  stream.fillNormal(row, 0, i, offDiagonalSd(ensemble));
  stream.fillNormal(row, i, i + 1, 1);
}

/**
 * The trial's full symmetric matrix, n × n row-major, from the start of the stream (call
 * `stream.reset(trial)` first). `row` is scratch of length ≥ n.
 */
export function drawDense(
  stream: TrialStream,
  ensemble: Ensemble,
  n: number,
  out: Float64Array = new Float64Array(n * n),
  row: Float64Array = new Float64Array(n),
): Float64Array {
  for (let i = 0; i < n; i++) {
    drawRow(stream, ensemble, i, row);
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      out[ri + j] = row[j];
      out[j * n + i] = row[j];
    }
  }
  return out;
}

/**
 * The trial's matrix into the upper triangle of `a` (n × n row-major; the strict lower triangle is
 * left alone), from the start of the stream: row i of the lower triangle is column i of the upper
 * one, which is all the inertia kernel reads. Rows are drawn `block` at a time into `rows`
 * (block × n scratch) and written out together, so each cache line of `a` is touched once per
 * block rather than once per entry (test/bench/trials.bench.ts). Its own function, not a
 * loop in the caller: V8 compiled the caller's loop on-stack and deoptimized that code at the
 * not-yet-run call after it on every trial (--trace-deopt: "insufficient type feedback for call").
 */
export function drawUpper(
  stream: TrialStream,
  ensemble: Ensemble,
  n: number,
  a: Float64Array,
  rows: Float64Array,
  block: number,
): void {
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    for (let i = i0; i < i1; i++) drawRow(stream, ensemble, i, rows.subarray((i - i0) * n, (i - i0 + 1) * n));
    for (let j = 0; j < i1; j++) {
      const rj = j * n;
      for (let i = Math.max(i0, j); i < i1; i++) a[rj + i] = rows[(i - i0) * n + j];
    }
  }
}

/**
 * The trial's tridiagonal GOE model (Dumitriu–Edelman; see `fillTridiagonalGoe`):
 * diag (length n) and offSq (length n − 1, squared off-diagonals). From the start of the stream.
 */
export function drawTridiagonal(
  stream: TrialStream,
  n: number,
  diag: Float64Array = new Float64Array(n),
  offSq: Float64Array = new Float64Array(Math.max(n - 1, 1)),
): { diag: Float64Array; offSq: Float64Array } {
  fillTridiagonalGoe(stream, diag, offSq, 0, n, n);
  return { diag, offSq };
}
