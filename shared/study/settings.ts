import { z } from 'zod';

/** When a run stops (defaults ours; see studies/README.md for each study's settings). */
export const StopSpec = z.strictObject({
  gradTol: z.number().positive().default(1e-10),
  maxIter: z.number().int().min(0).max(10_000_000).default(200),
  blowup: z.number().positive().default(1e12),
});
export type StopSpec = z.output<typeof StopSpec>;

/** What a run records beyond its outcome. */
export const RecordSpec = z.strictObject({
  /** Keep every k-th iterate in the history table (0: none). */
  historyStride: z.number().int().min(0).default(0),
  /** Store initial and final parameters in the runs table. */
  finalParams: z.boolean().default(true),
  /** Classify the final point from the exact Hessian's eigenvalues. */
  spectrum: z.boolean().default(true),
  /** Store the final Hessian's eigenvalues (for Fig. 6 histograms). */
  eigenvalues: z.boolean().default(false),
  /** |λ| ≤ zeroTol·max|λ| counts as a zero eigenvalue. */
  zeroTol: z.number().min(0).lt(1).default(1e-6),
  /**
   * How the final point is classified: dense (every eigenvalue) or lanczos (extremes by Lanczos,
   * counts by stochastic Lanczos quadrature; shared/analysis/estimate-spectrum.ts). Absent:
   * dense up to 4,000 parameters, lanczos beyond. Optional without a default: task ids keep.
   */
  spectrumMethod: z.enum(['dense', 'lanczos']).optional(),
  /** A converged run with ‖u‖/‖f‖ below this is the trivial solution. */
  trivialTol: z.number().positive().default(1e-3),
});
export type RecordSpec = z.output<typeof RecordSpec>;
