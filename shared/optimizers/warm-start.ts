import type { Optimizer, OptimizerState } from './types.js';

export interface WarmStartState extends OptimizerState {
  /** Steps taken by the first optimizer so far (it runs for `steps`, then the second takes over). */
  readonly stage: 0 | 1;
  readonly taken: number;
  readonly inner: OptimizerState;
}

/**
 * Run `first` for `steps` steps, then `second` from where it got (beyond the paper: does exact
 * Newton keep a good minimum that ADAM found?). The driver's tolerance applies throughout.
 */
export function warmStart(first: Optimizer, steps: number, second: Optimizer): Optimizer<WarmStartState> {
  const wrap = (inner: OptimizerState, stage: 0 | 1, taken: number): WarmStartState => ({
    x: inner.x,
    value: inner.value,
    gradient: inner.gradient,
    stepNorm: inner.stepNorm,
    // Expose the exact Hessian when the current stage keeps one, so classification reuses it.
    ...('hessian' in inner ? { hessian: inner.hessian } : {}),
    ...(inner.krylov ? { krylov: inner.krylov } : {}),
    stage,
    taken,
    inner,
  });
  return {
    name: `${first.name}→${second.name}`,
    init: (f, x0) => (steps > 0 ? wrap(first.init(f, x0), 0, 0) : wrap(second.init(f, x0), 1, 0)),
    step(f, s) {
      if (s.stage === 0) {
        const next = first.step(f, s.inner);
        return s.taken + 1 >= steps
          ? wrap(second.init(f, next.x), 1, s.taken + 1)
          : wrap(next, 0, s.taken + 1);
      }
      return wrap(second.step(f, s.inner), 1, s.taken + 1);
    },
  };
}
