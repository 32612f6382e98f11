import { contentHash } from './canonical.js';
import { withoutDefaultEngine } from './engine.js';
import { describeIssue, InputError } from './errors.js';
import { optimizerVariants } from './optimizer-sweep.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import type { StudySpec } from './spec.js';
import { type OptimizeTask, type Task, type TrialsTask, taskId } from './task.js';
import type { TrialsSpec } from './trials-spec.js';

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

export function seedList(spec: StudySpec): number[] {
  return typeof spec.seeds === 'number'
    ? Array.from({ length: spec.seeds }, (_, i) => i)
    : [...(spec.seeds ?? [])];
}

/**
 * Every (problem variant × seed × optimizer) as a task, seed-major so that a partial run has every
 * optimizer at every seed it reached. Duplicate seeds or variants collapse (same id).
 */
export function expandStudy(spec: StudySpec): Task[] {
  return spec.trials ? expandTrials(spec, spec.trials) : expandOptimize(spec);
}

/**
 * Every valid (ensemble, model, n), its trials split into batches by trial index. The matrices
 * depend on (study seed, point, trial index) only, so batch boundaries do not change any count.
 */
function expandTrials(spec: StudySpec, t: TrialsSpec): TrialsTask[] {
  const tasks: TrialsTask[] = [];
  for (const ensemble of t.ensembles)
    for (const model of t.models) {
      if (model === 'tridiagonal' && ensemble !== 'goe') continue;
      for (const n of t.n)
        for (let first = 0; first < t.trials; first += t.batch) {
          const params = {
            ensemble,
            model,
            n,
            trials: Math.min(t.batch, t.trials - first),
            firstTrial: first,
            method: t.method,
            singularTol: t.singularTol,
            ...(t.histogram ? { histogram: t.histogram } : {}),
          };
          const body = { kind: 'hessian-trials' as const, studySeed: spec.seed, params };
          tasks.push({ ...body, id: taskId(body), study: spec.name });
        }
    }
  return tasks;
}

function expandOptimize(spec: StudySpec): OptimizeTask[] {
  const tasks = new Map<string, OptimizeTask>();
  for (const problem of problemVariants(spec))
    for (const seed of seedList(spec))
      for (const optimizer of optimizerVariants(spec).map(withoutDefaultEngine)) {
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
