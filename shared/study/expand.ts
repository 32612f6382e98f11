import type { OptimizerSpec } from '../optimizers/mod.js';
import { withoutDefaultEngine } from './engine.js';
import { describeIssue, InputError } from './errors.js';
import { optimizerVariants } from './optimizer-sweep.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import type { StudySpec } from './spec.js';

/** The problem variants of a study: its problem(s), crossed with the sweep. */
export function problemVariants(spec: StudySpec): ProblemSpec[] {
  const base = (spec.problems ?? (spec.problem ? [spec.problem] : [])) as ProblemSpec[];
  let variants = base;
  for (const [key, values] of Object.entries(spec.sweep ?? {})) {
    variants = variants.flatMap((p, i) => {
      if (!(key in problemKind(p.kind).schema.shape))
        throw new InputError(`invalid study spec:\n  sweep.${key}: not a parameter of problem '${p.kind}'`);
      return values.map((v, j) => {
        const r = ProblemSpec.safeParse({ ...p, [key]: v });
        if (!r.success) {
          const why = r.error.issues.map((iss) => describeIssue(iss).replace(/^[^:]*: /, '')).join('; ');
          throw new InputError(`invalid study spec:\n  sweep.${key}[${j}]: ${why} (problem ${i})`);
        }
        return r.data as ProblemSpec;
      });
    });
  }
  return variants;
}

/** The optimizers of a study as its tasks carry them (each entry's sweep crossed, the default engine dropped). */
export function optimizerConfigs(spec: StudySpec): OptimizerSpec[] {
  return optimizerVariants(spec).map(withoutDefaultEngine);
}
