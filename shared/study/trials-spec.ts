import { z } from 'zod';
import { HistogramParams, MAX_DENSE_N, MAX_TRIDIAGONAL_N } from '../trials/schema.js';

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
    // The task's own schema (HessianTrialsParams) bounds n too, but only when a worker parses it:
    // here the study is refused before anything runs, not with a failed row per batch.
    v.n.forEach((n, j) => {
      for (const model of v.models) {
        const max = model === 'dense' ? MAX_DENSE_N : MAX_TRIDIAGONAL_N;
        if (n > max) {
          ctx.issues.push({
            code: 'custom',
            input: n,
            path: ['n', j],
            message: `must be at most ${max.toLocaleString('en-US')} for model '${model}', got ${n.toLocaleString('en-US')}`,
          });
          return;
        }
      }
    });
  });
export type TrialsSpec = z.output<typeof TrialsSpec>;
