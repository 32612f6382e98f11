import { lanczosExtremes } from '../linalg/lanczos.js';
import type { SymmetricOperator } from '../linalg/operator.js';
import { type EstimatedCounts, type SpectralDensity, slq, slqCounts } from '../linalg/slq.js';
import type { Objective } from '../problems/objective.js';
import type { Stream } from '../rng/stream.js';
import type { RecordSpec } from '../study/settings.js';
import type { PointClass } from './classify.js';

/**
 * The second-derivative test without a dense eigendecomposition (classify.ts's, for n where n² does
 * not fit): the extreme eigenvalues by Lanczos from a random start, the counts by stochastic Lanczos
 * quadrature (linalg/slq.ts), both with Hessian-vector products only.
 *
 * With θ_min ≤ θ_max the extreme Ritz values (Rayleigh quotients, so λ_min ≤ θ_min, θ_max ≤ λ_max),
 * r their residual bounds and cut = relTol · max(|θ_min|, |θ_max|) (classify.ts's relative zero):
 *  - saddle iff θ_min < −cut and θ_max > cut: both signs beyond the tolerance — certain, since
 *    Rayleigh quotients of both signs exist only for an indefinite H;
 *  - degenerate when an extreme is within the tolerance: |θ_min| ≤ cut + r_min (and no negative
 *    beyond it), or |θ_max| ≤ cut + r_max (and no positive beyond it);
 *  - minimum when θ_min − r_min > cut, maximum when θ_max + r_max < −cut.
 * These read the extremes as converged (residuals small against the gap to the rest of the
 * spectrum), which a random start makes almost sure; the residuals are stored with them.
 */
export interface EstimatedSpectrum {
  readonly pointClass: PointClass;
  readonly eigMin: number;
  readonly eigMinResidual: number;
  readonly eigMax: number;
  readonly eigMaxResidual: number;
  readonly counts: EstimatedCounts;
  readonly density: SpectralDensity;
  /** Hessian-vector products spent (extremes and quadrature). */
  readonly products: number;
}

export interface EstimateOptions {
  /** Lanczos steps for the extremes. */
  readonly extremeSteps: number;
  /** Rademacher probes and Lanczos steps per probe for the counts. */
  readonly probes: number;
  readonly probeSteps: number;
}

/** Defaults: 80 steps resolve the isolated extremes of network Hessians (tests); 10 × 40 for SLQ. */
export const ESTIMATE_DEFAULTS: EstimateOptions = { extremeSteps: 80, probes: 10, probeSteps: 40 };

export function classifyFromExtremes(
  eigMin: number,
  minResidual: number,
  eigMax: number,
  maxResidual: number,
  relTol: number,
): PointClass {
  const cut = relTol * Math.max(Math.abs(eigMin), Math.abs(eigMax));
  if (eigMin < -cut && eigMax > cut) return 'saddle';
  if (eigMin - minResidual > cut) return 'minimum';
  if (eigMax + maxResidual < -cut) return 'maximum';
  return 'degenerate';
}

export function estimateSpectrum(
  h: SymmetricOperator,
  rng: Stream,
  relTol: number,
  opts: EstimateOptions = ESTIMATE_DEFAULTS,
): EstimatedSpectrum {
  const n = h.dim;
  const start = rng.fillNormal(new Float64Array(n));
  const e = lanczosExtremes(h, start, opts.extremeSteps);
  const pointClass = classifyFromExtremes(e.min, e.minResidual, e.max, e.maxResidual, relTol);
  const density = slq(h, rng, opts.probes, opts.probeSteps);
  const counts = slqCounts(density, n, relTol * Math.max(Math.abs(e.min), Math.abs(e.max)));
  return {
    pointClass,
    eigMin: e.min,
    eigMinResidual: e.minResidual,
    eigMax: e.max,
    eigMaxResidual: e.maxResidual,
    counts,
    density,
    products: e.steps + density.perProbe.reduce((a, k) => a + k, 0),
  };
}

/**
 * Beyond this many parameters the final point is classified by estimate (unless the record says
 * otherwise): the dense eigendecomposition's n² doubles and O(n³) time stop being affordable
 * (about 2 s at n = 1,760; 128 MB for H alone at 4,000).
 */
export const DENSE_SPECTRUM_MAX = 4000;

/** Whether a run's final point is classified by estimate: `record.spectrumMethod`, else by size. */
export function usesEstimate(f: Objective, record: RecordSpec): boolean {
  if (f.reducedHessian) return false;
  const method = record.spectrumMethod ?? (f.dim > DENSE_SPECTRUM_MAX ? 'lanczos' : 'dense');
  return method === 'lanczos';
}
