import { eigSym } from '../linalg/eig.js';
import { TrialStream } from '../rng/counter.js';
import {
  classifyInertia,
  type Definiteness,
  denseCensus,
  denseIndex,
  tridiagonalCensus,
  tridiagonalIndex,
  Workspace,
} from './census.js';
import { drawDense, drawTridiagonal, keyFingerprint, semicircleRadius, trialKey } from './ensemble.js';
import { denseInertia, tridiagonalInertia } from './inertia.js';
import { type HessianTrialsInput, HessianTrialsParams } from './schema.js';
import { type EigenvalueHistogram, HistogramAccumulator } from './spectrum.js';

export type DefinitenessCounts = Record<Definiteness, number>;

/** A batch to run: validated params plus the study key its random streams derive from. */
export type TrialBatchSpec = HessianTrialsInput & {
  /** Study-level key parts, e.g. [studySeed]; the point (ensemble, model, n) is added to them. */
  readonly key: ReadonlyArray<string | number>;
};

/** What one batch found. Plain JSON; counts are exact integers, summed across batches by `sumBatches`. */
export interface TrialBatchResult {
  readonly ensemble: 'paper' | 'goe';
  readonly model: 'dense' | 'tridiagonal';
  readonly method: 'census' | 'index';
  readonly n: number;
  readonly firstTrial: number;
  readonly trials: number;
  readonly singularTol: number;
  /** Fingerprint (16 hex digits) of the point's counter key: batches of one key must not overlap. */
  readonly key: string;
  /** Trials per class; they sum to `trials`. */
  readonly counts: DefinitenessCounts;
  /** method 'index': [i] = trials with exactly i eigenvalues below −cut (length n + 1); else null. */
  readonly indexHistogram: number[] | null;
  /** When `histogram` was asked for: the eigenvalues of all trials, in units of √n. */
  readonly eigenvalueHistogram: EigenvalueHistogram | null;
}

/**
 * Runs one batch of random-Hessian trials: pure, deterministic in (spec.key, params), allocation
 * per batch only. Throws a ZodError naming the field if the params are invalid.
 */
export function runTrialBatch(spec: TrialBatchSpec): TrialBatchResult {
  const { key: keyParts, ...raw } = spec;
  const p = HessianTrialsParams.parse(raw);
  const { n, ensemble, model, method } = p;
  const key = trialKey(keyParts, ensemble, model, n);
  const stream = new TrialStream(key, p.firstTrial);
  const ws = new Workspace(n, model);
  const zeroCut = p.singularTol * semicircleRadius(ensemble) * Math.sqrt(n);
  const counts: DefinitenessCounts = { positiveDefinite: 0, negativeDefinite: 0, indefinite: 0, singular: 0 };
  const index = method === 'index' ? new Array<number>(n + 1).fill(0) : null;
  const hist = p.histogram ? new HistogramAccumulator(p.histogram, n) : null;
  const full = hist && model === 'dense' ? new Float64Array(n * n) : null;

  for (let t = p.firstTrial; t < p.firstTrial + p.trials; t++) {
    if (hist) {
      // The spectrum needs the whole matrix anyway: draw it once, then classify it fully.
      stream.reset(t);
      let cls: Definiteness;
      if (full) {
        drawDense(stream, ensemble, n, full, ws.row);
        hist.addEigenvalues(eigSym(full, n).values);
        const inertia = denseInertia(full, n, zeroCut);
        cls = classifyInertia(inertia);
        if (index) index[inertia.negative]++;
      } else {
        drawTridiagonal(stream, n, ws.diag, ws.offSq);
        hist.addTridiagonal(ws.diag, ws.offSq);
        const inertia = tridiagonalInertia(ws.diag, ws.offSq, n, zeroCut);
        cls = classifyInertia(inertia);
        if (index) index[inertia.negative]++;
      }
      counts[cls]++;
    } else if (index) {
      const inertia =
        model === 'dense'
          ? denseIndex(stream, t, ensemble, ws, zeroCut)
          : tridiagonalIndex(stream, t, ws, zeroCut);
      index[inertia.negative]++;
      counts[classifyInertia(inertia)]++;
    } else {
      counts[
        model === 'dense'
          ? denseCensus(stream, t, ensemble, ws, zeroCut)
          : tridiagonalCensus(stream, t, ws, zeroCut)
      ]++;
    }
  }
  return {
    ensemble,
    model,
    method,
    n,
    firstTrial: p.firstTrial,
    trials: p.trials,
    singularTol: p.singularTol,
    key: keyFingerprint(key),
    counts,
    indexHistogram: index,
    eigenvalueHistogram: hist ? hist.result() : null,
  };
}
