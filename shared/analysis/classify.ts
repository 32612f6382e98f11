import { eigSym, eigSym2Values } from '../linalg/eig.js';

export const POINT_CLASSES = ['minimum', 'maximum', 'saddle', 'degenerate'] as const;
export type PointClass = (typeof POINT_CLASSES)[number];

export interface Spectrum {
  readonly pointClass: PointClass;
  readonly positive: number;
  readonly negative: number;
  readonly zero: number;
  readonly eigMin: number;
  readonly eigMax: number;
  /** max|λ| / min|λ|; Infinity when some eigenvalue is exactly 0. */
  readonly conditionNumber: number;
  /** Ascending eigenvalues. */
  readonly eigenvalues: Float64Array;
}

/**
 * The second-derivative test from the Hessian's eigenvalues (the saddle point test).
 * An eigenvalue counts as zero when |λ| ≤ relTol · max|λ|: exact zeros are never seen in float64,
 * and at the trivial saddles most eigenvalues are tiny but nonzero (paper Fig. 6).
 * Both signs ⇒ saddle (whatever the zeros); one sign and no zeros ⇒ minimum / maximum;
 * zeros and the rest of one sign (or all zero) ⇒ degenerate: the test is inconclusive.
 */
export function classifySpectrum(eigenvalues: Float64Array, relTol: number): Spectrum {
  let scale = 0;
  for (const l of eigenvalues) scale = Math.max(scale, Math.abs(l));
  const cut = relTol * scale;
  let positive = 0;
  let negative = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  for (const l of eigenvalues) {
    if (l > cut) positive++;
    else if (l < -cut) negative++;
    minAbs = Math.min(minAbs, Math.abs(l));
  }
  const n = eigenvalues.length;
  const zero = n - positive - negative;
  const pointClass: PointClass =
    positive > 0 && negative > 0
      ? 'saddle'
      : zero > 0
        ? 'degenerate'
        : negative === 0
          ? 'minimum'
          : 'maximum';
  return {
    pointClass,
    positive,
    negative,
    zero,
    eigMin: eigenvalues[0],
    eigMax: eigenvalues[n - 1],
    conditionNumber: scale / minAbs,
    eigenvalues,
  };
}

export function classifyHessian(hessian: Float64Array, n: number, relTol: number): Spectrum {
  return classifySpectrum(eigSym(hessian, n).values, relTol);
}

/** classifyHessian of the symmetric 2×2 [[h11, h12], [h12, h22]], without its general reduction. */
export function classifyHessian2(h11: number, h12: number, h22: number, relTol: number): Spectrum {
  return classifySpectrum(eigSym2Values(h11, h12, h22, new Float64Array(2)), relTol);
}
