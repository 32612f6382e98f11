import { z } from 'zod';

/** Largest dense n: the workspace is n² float64 (8192² · 8 B = 512 MB). */
export const MAX_DENSE_N = 8192;
/** Largest tridiagonal n (a few arrays of n float64). */
export const MAX_TRIDIAGONAL_N = 10_000_000;
/** Trial indices are the first counter word of Threefry: firstTrial + trials ≤ 2³². */
export const MAX_TRIAL_INDEX = 2 ** 32;

export const HistogramParams = z.strictObject({
  /** Number of equal-width bins. */
  bins: z.number().int().min(1).max(100_000),
  /** [lo, hi] in units of √n: the semicircle is [−2, 2] for paper and [−√2, √2] for goe. */
  range: z.tuple([z.number(), z.number()]),
});

/**
 * Params of one `hessian-trials` batch: trials firstTrial … firstTrial + trials − 1 of the study
 * point (ensemble, model, n). The matrices depend only on the study key, the point and the trial
 * index, so a point split into batches by trial range gives the same counts however it is split.
 */
export const HessianTrialsParams = z
  .strictObject({
    ensemble: z.enum(['paper', 'goe']),
    n: z.number().int().min(1),
    trials: z.number().int().min(1),
    firstTrial: z.number().int().min(0).default(0),
    /** census: definiteness counts only, with early exit; index: also the index histogram. */
    method: z.enum(['census', 'index']).default('census'),
    /** tridiagonal: the Dumitriu–Edelman model, goe only. */
    model: z.enum(['dense', 'tridiagonal']).default('dense'),
    /**
     * An eigenvalue (a pivot, for dense matrices) counts as zero when |λ| ≤ singularTol·r√n, r√n the
     * semicircle's edge (≈ ‖A‖₂): 2√n for paper, √(2n) for goe.
     */
    singularTol: z.number().min(0).max(1).default(1e-12),
    histogram: HistogramParams.optional(),
  })
  .check((ctx) => {
    const p = ctx.value;
    const issue = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', input: p, path: [path], message });
    if (p.model === 'tridiagonal' && p.ensemble !== 'goe') {
      issue(
        'model',
        `model 'tridiagonal' is the Dumitriu–Edelman model of the GOE; ensemble '${p.ensemble}' has none (use model 'dense')`,
      );
    }
    const maxN = p.model === 'dense' ? MAX_DENSE_N : MAX_TRIDIAGONAL_N;
    if (p.n > maxN) issue('n', `n must be at most ${maxN} for model '${p.model}', got ${p.n}`);
    if (p.firstTrial + p.trials > MAX_TRIAL_INDEX) {
      issue('trials', `firstTrial + trials must be at most 2^32, got ${p.firstTrial + p.trials}`);
    }
    if (p.histogram && !(p.histogram.range[0] < p.histogram.range[1])) {
      issue(
        'histogram',
        `histogram.range must be [lo, hi] with lo < hi, got [${p.histogram.range.join(', ')}]`,
      );
    }
  });
export type HessianTrialsParams = z.output<typeof HessianTrialsParams>;
export type HessianTrialsInput = z.input<typeof HessianTrialsParams>;
