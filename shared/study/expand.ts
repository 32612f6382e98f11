import { contentHash } from './canonical.js';
import { describeIssue, InputError } from './errors.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import type { StudySpec } from './spec.js';
import { type OptimizeTask, taskId } from './task.js';

/** The problem variants of a study: its problem(s), crossed with the sweep. */
export function problemVariants(spec: StudySpec): ProblemSpec[] {
  const base = (spec.problems ?? [spec.problem!]) as ProblemSpec[];
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

export function seedList(spec: StudySpec): number[] {
  return typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : [...spec.seeds];
}

/**
 * Every (problem variant × seed × optimizer) as a task, seed-major so that a partial run has every
 * optimizer at every seed it reached. Duplicate seeds or variants collapse (same id).
 */
export function expandStudy(spec: StudySpec): OptimizeTask[] {
  const tasks = new Map<string, OptimizeTask>();
  for (const problem of problemVariants(spec))
    for (const seed of seedList(spec))
      for (const optimizer of spec.optimizers) {
        const body = {
          kind: 'optimize' as const,
          studySeed: spec.seed,
          seed,
          problem,
          optimizer,
          stop: spec.stop,
          record: spec.record,
        };
        const id = taskId(body);
        if (!tasks.has(id)) tasks.set(id, { ...body, id, study: spec.name });
      }
  return [...tasks.values()];
}

/** Hash of the plan: the sorted task ids. Two specs with the same plan hash run the same tasks. */
export function planHash(tasks: readonly { id: string }[]): string {
  return contentHash(tasks.map((t) => t.id).sort(), 32);
}
