import { z } from 'zod';
import { HistogramParams } from '../trials/schema.js';

/**
 * The `trials` section of a study: random-Hessian trials (paper §4, Eq. 13) at every
 * (ensemble, model, n), `trials` per point, split into tasks of `batch` trials.
 */
export const TrialsSpec = z
  .strictObject({
    ensembles: z.array(z.enum(['paper', 'goe'])).min(1),
    /** dense matrices, or the Dumitriu–Edelman tridiagonal model (goe only). */
    models: z
      .array(z.enum(['dense', 'tridiagonal']))
      .min(1)
      .default(['dense']),
    /** Matrix sizes. */
    n: z.array(z.number().int().min(1)).min(1),
    /** Trials per (ensemble, model, n). */
    trials: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32),
    /** Trials per task: the unit of work a worker thread takes. */
    batch: z.number().int().min(1).default(100_000),
    method: z.enum(['census', 'index']).default('census'),
    singularTol: z.number().min(0).max(1).default(1e-12),
    histogram: HistogramParams.optional(),
  })
  .check((ctx) => {
    const v = ctx.value;
    if (v.models.includes('tridiagonal') && !v.ensembles.includes('goe'))
      ctx.issues.push({
        code: 'custom',
        input: v,
        path: ['models'],
        message: "model 'tridiagonal' is the Dumitriu–Edelman model of the GOE: add ensemble goe",
      });
  });
export type TrialsSpec = z.output<typeof TrialsSpec>;
