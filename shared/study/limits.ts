import { z } from 'zod';
import { MAX_DENSE_N } from '../trials/schema.js';

/**
 * Bounds a study is checked against before anything runs (README, "Limits"). Each guards a
 * failure that otherwise comes late and badly: a plan that takes minutes and gigabytes to list, a
 * Hessian that cannot be allocated, a task that runs for hours. They are generous, and a study that
 * means it raises them in its `limits` section; the parser's own bounds (spec size, list lengths)
 * are fixed because they apply before the spec is read.
 */
export const Limits = z.strictObject({
  /**
   * Tasks in the plan (problem variants × seeds × optimizers, or trial batches): the scale the
   * design plans for (DESIGN.md, "Scale").
   */
  tasks: z.number().int().min(1).default(10_000_000),
  /** Largest n for which a dense n × n Hessian is formed (n² float64: 512 MB at the default). */
  denseParams: z.number().int().min(1).default(MAX_DENSE_N),
  /** Estimated memory of one task (shared/study/cost.ts), in GB. */
  taskMemoryGB: z.number().positive().default(4),
  /** Estimated time of one task at the cost model's rate (shared/study/cost.ts), in hours. */
  taskHours: z.number().positive().default(4),
});
export type Limits = z.output<typeof Limits>;

/** A spec file larger than this is refused before it is parsed (a spec is a page of YAML). */
export const MAX_SPEC_BYTES = 256 * 1024;
/** Longest explicit list of seeds (more seeds are written as a number: 0 … N−1). */
export const MAX_SEED_LIST = 10_000;
/** Longest list of values for one swept field. */
export const MAX_SWEEP_VALUES = 10_000;
