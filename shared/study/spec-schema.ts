import { z } from 'zod';
import { engineIssue } from './engine.js';
import { Limits, MAX_SEED_LIST, MAX_SWEEP_VALUES } from './limits.js';
import { entryVariants, OptimizerEntry } from './optimizer-sweep.js';
import { ProblemSpec } from './problem-spec.js';
import { RecordSpec, StopSpec } from './settings.js';
import { TrialsSpec } from './trials-spec.js';

/** A study as written in `studies/*.yaml`. See README.md, "Study specs". */
export const StudySpec = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    /** The study seed: every task's random streams derive from it and the task's content. */
    seed: z.number().int().min(0).max(0xffffffff),
    problem: ProblemSpec.optional(),
    problems: z.array(ProblemSpec).min(1).optional(),
    /** Cartesian sweep over problem parameters, e.g. { width: [5, 10, 20, 40] }. */
    sweep: z.record(z.string(), z.array(z.unknown()).min(1).max(MAX_SWEEP_VALUES)).optional(),
    /** Optimizer entries, each optionally with its own `sweep` (shared/study/optimizer-sweep.ts). */
    optimizers: z.array(OptimizerEntry).min(1).optional(),
    /** N (seeds 0 … N−1) or an explicit list of seeds. */
    seeds: z
      .union([z.number().int().min(1), z.array(z.number().int().min(0)).min(1).max(MAX_SEED_LIST)])
      .optional(),
    /** Tasks a pool thread takes at once (default: 256 for two-angle problems, else 1): no id or bit changes. */
    block: z.number().int().min(1).max(100_000).optional(),
    /** A random-Hessian study instead of optimizer runs. */
    trials: TrialsSpec.optional(),
    stop: StopSpec.prefault({}),
    record: RecordSpec.prefault({}),
    /** Raised bounds (limits.ts); absent, the defaults apply. */
    limits: Limits.partial().optional(),
  })
  .check((ctx) => {
    const { problem, problems, optimizers, seeds, trials, sweep } = ctx.value;
    const issue = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', input: ctx.value, path: [path], message });
    if (trials !== undefined) {
      // A trials study has no optimizer runs; mixing the two would make one plan of two kinds of rows.
      for (const [k, v] of Object.entries({ problem, problems, optimizers, seeds, sweep }))
        if (v !== undefined) issue(k, 'not allowed in a study with `trials`');
      return;
    }
    if ((problem === undefined) === (problems === undefined))
      issue('problem', 'give exactly one of `problem` or `problems` (or `trials`)');
    if (optimizers === undefined) issue('optimizers', 'required (a list of optimizers)');
    if (seeds === undefined) issue('seeds', 'required (a number of seeds or a list)');
    // An engine must suit every problem of the study (a sweep does not change a problem's kind).
    const kinds = [...new Set((problems ?? (problem ? [problem] : [])).map((p) => p.kind))];
    optimizers?.forEach((entry, i) => {
      for (const kind of kinds)
        for (const o of entryVariants(entry)) {
          const why = engineIssue(o, kind);
          if (why) {
            ctx.issues.push({
              code: 'custom',
              input: o,
              path: ['optimizers', i, ...why.path],
              message: why.message,
            });
            return;
          }
        }
    });
  });
export type StudySpec = z.output<typeof StudySpec>;
