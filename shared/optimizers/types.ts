import type { Objective } from '../problems/objective.js';

/**
 * An optimizer is a pure pair over a readonly state (optax's init/update):
 * `init` evaluates what it needs at x₀; `step` returns the next state and never mutates its input.
 * The driver (`minimize`) owns stopping, non-finite checks and recording.
 */
export interface OptimizerState {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  /** ‖x_{k+1} − x_k‖ of the step that produced this state (0 for the initial state). */
  readonly stepNorm: number;
  /** The Krylov solve of the step that produced this state (krylov.ts); absent otherwise. */
  readonly krylov?: KrylovSolve;
}

/** What a matrix-free second-order step records: products with H and how far it got. */
export interface KrylovSolve {
  /** Hessian-vector products the solve took. */
  readonly iterations: number;
  /** Its final relative residual (MINRES: ‖(H + λI)d − g‖/‖g‖; Lanczos |H|: β_{k+1}|y_k|/‖g‖). */
  readonly residual: number;
}

export interface Optimizer<S extends OptimizerState = OptimizerState> {
  readonly name: string;
  init(f: Objective, x0: Float64Array): S;
  step(f: Objective, state: S): S;
}

/** Why a Newton step could not be taken: H + λI is singular (dense, Krylov and fused steps alike). */
export const SINGULAR_NEWTON = 'singular Newton system (H + λI)';

/** Thrown by a step that cannot be taken (a singular Newton system, a failed line search). */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    message: string,
    readonly status: 'diverged' | 'error',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStepFailure(e: unknown): e is StepFailure {
  return e instanceof Error && e.name === 'StepFailure';
}
