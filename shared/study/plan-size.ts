import type { StudySpec } from './spec-schema.js';
import type { TrialsSpec } from './trials-spec.js';

/**
 * The axes of a study's plan, computed from the spec alone: nothing is expanded, so a spec that
 * names 10⁹ tasks is measured in microseconds. Each axis counts positions as written (a seed
 * listed twice counts twice, though both name one task id and the sink keeps one row).
 */
export type PlanShape =
  | {
      readonly kind: 'optimize';
      /** Problems (or the one problem) × the product of the sweep's value counts. */
      readonly variants: number;
      readonly seeds: number;
      /** Optimizer entries, each × the product of its own `sweep`'s value counts. */
      readonly optimizers: number;
      readonly tasks: number;
    }
  | {
      readonly kind: 'trials';
      /** Valid (ensemble, model, n) points: tridiagonal pairs with goe only. */
      readonly points: number;
      /** Batches of one point: ⌈trials / batch⌉. */
      readonly batches: number;
      readonly tasks: number;
    };

/** Product of the value counts of a sweep ({ key: [values] }); 1 for none. */
function sweepProduct(sweep: unknown): number {
  if (sweep === null || typeof sweep !== 'object') return 1;
  let p = 1;
  for (const values of Object.values(sweep)) p *= Array.isArray(values) ? values.length : 1;
  return p;
}

export function trialsShape(t: TrialsSpec): PlanShape {
  let pairs = 0;
  for (const e of t.ensembles) for (const m of t.models) if (m !== 'tridiagonal' || e === 'goe') pairs++;
  const points = pairs * t.n.length;
  const batches = Math.ceil(t.trials / t.batch);
  return { kind: 'trials', points, batches, tasks: points * batches };
}

export function planShape(spec: StudySpec): PlanShape {
  if (spec.trials) return trialsShape(spec.trials);
  const problems = spec.problems?.length ?? (spec.problem ? 1 : 0);
  const variants = problems * sweepProduct(spec.sweep);
  const seeds = typeof spec.seeds === 'number' ? spec.seeds : (spec.seeds?.length ?? 0);
  let optimizers = 0;
  for (const o of spec.optimizers ?? []) optimizers += sweepProduct((o as { sweep?: unknown }).sweep);
  return { kind: 'optimize', variants, seeds, optimizers, tasks: variants * seeds * optimizers };
}

/** Tasks in the plan of a spec (an upper bound on distinct task ids: see PlanShape). */
export function planSize(spec: StudySpec): number {
  return planShape(spec).tasks;
}
