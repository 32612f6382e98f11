import type { TrialStream } from '../rng/counter.js';
import { eliminationSimd } from './elimination-simd.js';
import { drawRow, drawUpper, type Ensemble } from './ensemble.js';
import { denseInertia, type Inertia, PIVMIN } from './inertia.js';
import { fillTridiagonalGoe, tridiagonalGoeSturm } from './tridiagonal-goe.js';
import { tridiagonalGoeSturmWasm } from './tridiagonal-goe-wasm.js';

/**
 * One trial's verdict. `singular` (within the tolerance): some eigenvalue is zero and the others are
 * of one sign, so the second-derivative test is inconclusive. A matrix with eigenvalues of both signs
 * is `indefinite` whatever its zeros (as in shared/analysis/classify.ts: a saddle is a saddle).
 */
export type Definiteness = 'positiveDefinite' | 'negativeDefinite' | 'indefinite' | 'singular';
export const DEFINITENESS: readonly Definiteness[] = [
  'positiveDefinite',
  'negativeDefinite',
  'indefinite',
  'singular',
];

export function classifyInertia(x: Inertia): Definiteness {
  if (x.positive > 0 && x.negative > 0) return 'indefinite';
  if (x.zero > 0) return 'singular';
  return x.negative === 0 ? 'positiveDefinite' : 'negativeDefinite';
}

const ROW_BLOCK = 8;

/** Scratch for one matrix size, reused across the trials of a batch (a trial allocates nothing). */
export class Workspace {
  /** n × n: the matrix (dense index) or the unit lower factor L of the bordered census. */
  readonly a: Float64Array;
  readonly row: Float64Array;
  /** ROW_BLOCK rows of length n: the dense index draws rows in blocks. */
  readonly rows: Float64Array;
  readonly y: Float64Array;
  readonly d: Float64Array;
  /** Tridiagonal model: diagonal and squared off-diagonals. */
  readonly diag: Float64Array;
  readonly offSq: Float64Array;
  /** The fused Sturm chains' two counts (tridiagonalIndex). */
  readonly sturm = new Int32Array(2);

  constructor(
    readonly n: number,
    readonly model: 'dense' | 'tridiagonal',
  ) {
    const dense = model === 'dense';
    this.a = new Float64Array(dense ? n * n : 0);
    this.row = new Float64Array(dense ? n : 0);
    this.rows = new Float64Array(dense ? ROW_BLOCK * n : 0);
    this.y = new Float64Array(dense ? n : 0);
    this.d = new Float64Array(dense ? n : 0);
    this.diag = new Float64Array(dense ? 0 : n);
    this.offSq = new Float64Array(dense ? 0 : Math.max(n - 1, 1));
  }
}

/**
 * Inertia of trial `trial`'s dense matrix by Bunch–Kaufman (shared/trials/inertia.ts). Pivots
 * within ±zeroCut count as zero.
 */
export function denseIndex(
  stream: TrialStream,
  trial: number,
  ensemble: Ensemble,
  ws: Workspace,
  zeroCut: number,
): Inertia {
  const { n, rows } = ws;
  // In the SIMD kernel's memory where it exists, so that denseInertia can use it.
  const a = eliminationSimd ? eliminationSimd.matrix(n) : ws.a;
  stream.reset(trial);
  drawUpper(stream, ensemble, n, a, rows, ROW_BLOCK);
  return denseInertia(a, n, zeroCut);
}

/**
 * Definiteness of trial `trial`'s dense matrix, stopping early. Bordered (row-by-row) LDLᵀ without
 * pivoting: row k of the matrix is drawn only when step k needs it, and the pivot
 * d_k = det A_{k+1} / det A_k is the Schur complement of the leading block. A is s-definite iff every
 * d_k has the sign s of d_0 (Sylvester's criterion, for A and −A at once: negating A negates D and
 * leaves L alone). At the first pivot of the other sign the leading (k+1) × (k+1) block has
 * eigenvalues of both signs, hence so has A (Cauchy interlacing): indefinite, with the rest of the
 * matrix never drawn. A random indefinite matrix stops within a few rows (GOE: 71% at k = 1).
 * While the leading block is definite the elimination is a Cholesky, which is stable; a pivot within
 * ±zeroCut falls back to the pivoted `denseIndex` of the same trial, so `singular` is decided there.
 * The tolerance applies to pivots, and these pivots are not Bunch–Kaufman's: the verdict equals
 * `classifyInertia(denseIndex(…))` except when some pivot of either factorization lies within the
 * cut (at the default singularTol, probability ~10⁻¹² per pivot for these ensembles).
 */
export function denseCensus(
  stream: TrialStream,
  trial: number,
  ensemble: Ensemble,
  ws: Workspace,
  zeroCut: number,
): Definiteness {
  const { n, a: l, row, y, d } = ws;
  stream.reset(trial);
  let sign = 0;
  for (let k = 0; k < n; k++) {
    drawRow(stream, ensemble, k, row);
    // Solve L_k D_k l = a_k by y = L_k⁻¹ a_k (forward substitution), l = D⁻¹ y; d_k = α − yᵀ D⁻¹ y.
    let dk = row[k];
    const rk = k * n;
    for (let j = 0; j < k; j++) {
      const rj = j * n;
      let s = row[j];
      for (let p = 0; p < j; p++) s -= l[rj + p] * y[p];
      y[j] = s;
      const lj = s / d[j];
      l[rk + j] = lj;
      dk -= s * lj;
    }
    if (!(Math.abs(dk) > zeroCut)) return classifyInertia(denseIndex(stream, trial, ensemble, ws, zeroCut));
    if (k === 0) sign = dk > 0 ? 1 : -1;
    else if (dk * sign < 0) return 'indefinite';
    d[k] = dk;
  }
  return sign > 0 ? 'positiveDefinite' : 'negativeDefinite';
}

/**
 * Inertia of trial `trial`'s tridiagonal GOE model, zero meaning |λ| ≤ zeroCut (two Sturm counts).
 * Nothing is stored: ws.diag and ws.offSq are left as they were.
 */
export function tridiagonalIndex(
  stream: TrialStream,
  trial: number,
  ws: Workspace,
  zeroCut: number,
): Inertia {
  stream.reset(trial);
  // = tridiagonalInertia(drawTridiagonal(…)) with the chains fused into the drawing (tested).
  (tridiagonalGoeSturmWasm ?? tridiagonalGoeSturm)(stream, ws.n, zeroCut, PIVMIN, ws.sturm);
  const lo = ws.sturm[0];
  const hi = ws.sturm[1];
  return { positive: ws.n - hi, negative: lo, zero: hi - lo };
}

/**
 * Definiteness of trial `trial`'s tridiagonal GOE model, stopping early: the two Sturm chains of
 * `tridiagonalInertia` (pivots of T − zeroCut·I and T + zeroCut·I, same arithmetic, so the same
 * verdict as `classifyInertia(tridiagonalIndex(…))`) run side by side on rows drawn in growing chunks.
 * A positive pivot of the first chain proves an eigenvalue above zeroCut, a negative pivot of the
 * second one below −zeroCut (interlacing); both at once prove indefiniteness.
 */
export function tridiagonalCensus(
  stream: TrialStream,
  trial: number,
  ws: Workspace,
  zeroCut: number,
): Definiteness {
  const { n, diag, offSq } = ws;
  stream.reset(trial);
  let drawn = 0;
  let chunk = 8;
  let dh = 0;
  let dl = 0;
  let anyAbove = false;
  let anyBelow = false;
  let allAbove = true;
  let allBelow = true;
  for (let k = 0; k < n; k++) {
    if (k === drawn) {
      const to = Math.min(n, drawn + chunk);
      fillTridiagonalGoe(stream, diag, offSq, drawn, to, n);
      drawn = to;
      chunk *= 2;
    }
    if (k === 0) {
      dl = diag[0] + zeroCut;
      dh = diag[0] - zeroCut;
    } else {
      const b2 = offSq[k - 1];
      dl = diag[k] + zeroCut - b2 / dl;
      dh = diag[k] - zeroCut - b2 / dh;
    }
    if (dl === 0) dl = -PIVMIN;
    if (dh === 0) dh = -PIVMIN;
    if (dh < 0) allAbove = false;
    else anyAbove = true;
    if (dl < 0) anyBelow = true;
    else allBelow = false;
    if (anyAbove && anyBelow) return 'indefinite';
  }
  if (allAbove) return 'positiveDefinite';
  if (allBelow) return 'negativeDefinite';
  return 'singular';
}
