import { allFinite, norm2 } from '../linalg/vector.js';
import type { Objective } from '../problems/objective.js';
import { isStepFailure, type Optimizer, type OptimizerState } from './types.js';

export const RUN_STATUSES = ['converged', 'max_iter', 'diverged', 'error'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface StopRule {
  /** ‖∇L‖₂ below this ⇒ converged. */
  readonly gradTol: number;
  /** Number of steps after which the run ends as max_iter. */
  readonly maxIter: number;
  /** ‖x‖∞ or |L| above this ⇒ diverged (a blow-up, before it overflows). */
  readonly blowup: number;
}

/** The run's outcome as data (optimistix's Solution): never thrown. */
export interface Solution {
  readonly status: RunStatus;
  readonly message: string;
  /** Steps taken. */
  readonly iterations: number;
  /** The last finite state reached (the initial one if the first step failed). */
  readonly last: OptimizerState;
}

function blownUp(s: OptimizerState, limit: number): string | null {
  if (!Number.isFinite(s.value) || !allFinite(s.gradient) || !allFinite(s.x))
    return 'non-finite value, gradient or parameters';
  if (Math.abs(s.value) > limit) return `|loss| exceeded ${limit}`;
  for (let i = 0; i < s.x.length; i++) if (Math.abs(s.x[i]) > limit) return `|parameter| exceeded ${limit}`;
  return null;
}

/**
 * The one driver loop for every optimizer: checks the gradient tolerance before each step, non-finite
 * values and blow-ups after it, and turns failures into statuses. `observe(k, state)` sees every
 * iterate k = 0, 1, … (the recorder decides what to keep).
 */
export function minimize<S extends OptimizerState>(
  opt: Optimizer<S>,
  f: Objective,
  x0: Float64Array,
  stop: StopRule,
  observe?: (k: number, s: S) => void,
): Solution {
  let state: S;
  try {
    state = opt.init(f, x0);
  } catch (e) {
    return {
      status: 'error',
      message: `init: ${(e as Error).message}`,
      iterations: 0,
      last: { x: x0, value: Number.NaN, gradient: new Float64Array(f.dim), stepNorm: 0 },
    };
  }
  const bad = blownUp(state, stop.blowup);
  if (bad) return { status: 'diverged', message: `at the initial point: ${bad}`, iterations: 0, last: state };
  for (let k = 0; ; k++) {
    observe?.(k, state);
    if (norm2(state.gradient) < stop.gradTol)
      return { status: 'converged', message: '', iterations: k, last: state };
    if (k >= stop.maxIter) return { status: 'max_iter', message: '', iterations: k, last: state };
    let next: S;
    try {
      next = opt.step(f, state);
    } catch (e) {
      const status = isStepFailure(e) ? e.status : 'error';
      return { status, message: `step ${k + 1}: ${(e as Error).message}`, iterations: k, last: state };
    }
    const why = blownUp(next, stop.blowup);
    if (why) return { status: 'diverged', message: `step ${k + 1}: ${why}`, iterations: k + 1, last: state };
    state = next;
  }
}
