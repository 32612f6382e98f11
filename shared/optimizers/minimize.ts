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

/**
 * The blow-up test, on what it reads of a state: its loss, whether its gradient and parameters are
 * all finite, and max |parameter|. The tfjs engine (worker/engines/tfjs/train.ts) applies it to
 * each seed of a batch from float32 summaries, so both engines stop and say why alike.
 */
export function blowUp(value: number, finite: boolean, maxAbsX: number, limit: number): string | null {
  if (!Number.isFinite(value) || !finite) return 'non-finite value, gradient or parameters';
  if (Math.abs(value) > limit) return `|loss| exceeded ${limit}`;
  if (maxAbsX > limit) return `|parameter| exceeded ${limit}`;
  return null;
}

/** Before step k + 1: converged once ‖g‖ < gradTol, max_iter after maxIter steps, else null (step on). */
export function stopBefore(k: number, gradNorm: number, stop: StopRule): 'converged' | 'max_iter' | null {
  if (gradNorm < stop.gradTol) return 'converged';
  return k >= stop.maxIter ? 'max_iter' : null;
}

/** Why a run diverged at iterate k (0: the initial point, else the step that led there). */
export function divergedMessage(k: number, why: string): string {
  return k === 0 ? `at the initial point: ${why}` : `step ${k}: ${why}`;
}

function blownUp(s: OptimizerState, limit: number): string | null {
  let maxAbsX = 0;
  for (let i = 0; i < s.x.length; i++) maxAbsX = Math.max(maxAbsX, Math.abs(s.x[i]));
  return blowUp(s.value, allFinite(s.gradient) && allFinite(s.x), maxAbsX, limit);
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
  if (bad) return { status: 'diverged', message: divergedMessage(0, bad), iterations: 0, last: state };
  for (let k = 0; ; k++) {
    observe?.(k, state);
    const done = stopBefore(k, norm2(state.gradient), stop);
    if (done) return { status: done, message: '', iterations: k, last: state };
    let next: S;
    try {
      next = opt.step(f, state);
    } catch (e) {
      const status = isStepFailure(e) ? e.status : 'error';
      return { status, message: `step ${k + 1}: ${(e as Error).message}`, iterations: k, last: state };
    }
    const why = blownUp(next, stop.blowup);
    if (why)
      return { status: 'diverged', message: divergedMessage(k + 1, why), iterations: k + 1, last: state };
    state = next;
  }
}
