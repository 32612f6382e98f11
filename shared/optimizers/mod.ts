import { z } from 'zod';
import { Engine } from '../study/engine-name.js';
import { adam, fixedStepDescent, gradientDescent } from './first-order.js';
import { krylovNewton, krylovSaddleFree } from './krylov.js';
import { bfgs, lbfgs } from './quasi-newton.js';
import { newton, saddleFreeNewton } from './second-order.js';
import { KRYLOV_NEWTON_FIELDS, KRYLOV_SFN_FIELDS, krylovFieldIssues } from './solver.js';
import type { Optimizer } from './types.js';
import { warmStart } from './warm-start.js';

export { minimize, type RunStatus, type Solution, type StopRule } from './minimize.js';
export type { Optimizer, OptimizerState } from './types.js';

/**
 * Optimizer specs as they appear in a study. Defaults are ours (the paper's numeric settings did
 * not survive in our copy): α = 1, λ = 0 is pure Newton.
 */
const BASE_OPTIMIZERS = [
  z
    .strictObject({
      kind: z.literal('newton'),
      /** Step relaxation α of Eq. 9. */
      alpha: z.number().positive().default(1),
      /** Levenberg–Marquardt damping λ of Eq. 9. */
      lambda: z.number().min(0).default(0),
      ...KRYLOV_NEWTON_FIELDS,
    })
    .superRefine(krylovFieldIssues),
  z
    .strictObject({
      kind: z.literal('saddle-free-newton'),
      alpha: z.number().positive().default(1),
      lambda: z.number().min(0).default(0),
      /** Floor on |eigenvalue| in |H| (absolute), so the step stays finite near singular H. */
      floor: z.number().positive().default(1e-8),
      /** Armijo backtracking on α (|H| is positive definite, so the direction is always descent). */
      backtracking: z.boolean().default(true),
      ...KRYLOV_SFN_FIELDS,
    })
    .superRefine(krylovFieldIssues),
  z.strictObject({ kind: z.literal('bfgs') }),
  z.strictObject({ kind: z.literal('l-bfgs'), memory: z.number().int().min(1).max(1000).default(10) }),
  z.strictObject({
    kind: z.literal('adam'),
    lr: z.number().positive().default(1e-3),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: z.number().positive().default(1e-8),
    /** f64 (absent: the default) or tfjs (batched float32, network problems; shared/study/engine-name.ts). */
    engine: Engine.optional(),
  }),
  z.strictObject({
    kind: z.literal('gd'),
    /** Step used where gᵀHg ≤ 0 (the curvature step is undefined there). */
    step: z.number().positive().default(1e-2),
    /**
     * curvature (absent: the default): η = gᵀg / gᵀHg where gᵀHg > 0, else `step`;
     * fixed: η = `step` always (no Hessian: the only rule the tfjs engine runs).
     */
    stepRule: z.enum(['curvature', 'fixed']).optional(),
    engine: Engine.optional(),
  }),
] as const;
const BaseOptimizerSpec = z.discriminatedUnion('kind', BASE_OPTIMIZERS);
type BaseOptimizerSpec = z.output<typeof BaseOptimizerSpec>;

export const OptimizerSpec = z.discriminatedUnion('kind', [
  ...BASE_OPTIMIZERS,
  z.strictObject({
    kind: z.literal('warm-start'),
    /** The optimizer that runs first (e.g. ADAM), for `steps` steps. */
    first: BaseOptimizerSpec,
    steps: z.number().int().min(0),
    /** The optimizer that continues from where the first stopped (e.g. exact Newton). */
    next: BaseOptimizerSpec,
  }),
]);
export type OptimizerSpec = z.output<typeof OptimizerSpec>;

export function makeOptimizer(spec: OptimizerSpec): Optimizer {
  if (spec.kind === 'warm-start')
    return warmStart(makeBase(spec.first), spec.steps, makeBase(spec.next)) as Optimizer;
  return makeBase(spec);
}

function makeBase(spec: BaseOptimizerSpec): Optimizer {
  switch (spec.kind) {
    case 'newton':
      return (spec.solver === 'krylov' ? krylovNewton(spec) : newton(spec)) as Optimizer;
    case 'saddle-free-newton':
      return (spec.solver === 'krylov' ? krylovSaddleFree(spec) : saddleFreeNewton(spec)) as Optimizer;
    case 'bfgs':
      return bfgs() as Optimizer;
    case 'l-bfgs':
      return lbfgs(spec) as Optimizer;
    case 'adam':
      return adam(spec) as Optimizer;
    case 'gd':
      return (spec.stepRule === 'fixed' ? fixedStepDescent(spec) : gradientDescent(spec)) as Optimizer;
  }
}
