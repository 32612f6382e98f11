import type { OptimizerSpec } from '../optimizers/mod.js';
import type { Engine } from './engine-name.js';
import type { OptimizeTask, Task } from './task.js';

/**
 * What each engine (engine-name.ts) may run, and which a task names. `engine: f64` written out is
 * dropped when the study is expanded (`withoutDefaultEngine`), so it names the same tasks as leaving
 * it out.
 */

/** Problems the tfjs engine can build (the MLP objectives of shared/problems/network.ts). */
export const TFJS_PROBLEMS: readonly string[] = ['mlp-regression', 'pinn-1d', 'pinn-2d'];

export function optimizerEngine(o: OptimizerSpec): Engine {
  return ('engine' in o && o.engine) || 'f64';
}

export function taskEngine(task: Task): Engine {
  return task.kind === 'optimize' ? optimizerEngine(task.optimizer) : 'f64';
}

/**
 * Why an optimizer cannot run on its engine for a problem kind (field path and message), or null.
 * tfjs trains ADAM and gd with `stepRule: fixed` only: gd's curvature step needs gᵀHg, a
 * Hessian-vector product per step that the batched tfjs program does not compute.
 */
export function engineIssue(
  o: OptimizerSpec,
  problemKind: string,
): { path: string[]; message: string } | null {
  if (o.kind === 'warm-start') {
    for (const stage of ['first', 'next'] as const)
      if (optimizerEngine(o[stage]) === 'tfjs')
        return { path: [stage, 'engine'], message: 'tfjs is not supported inside a warm start (use f64)' };
    return null;
  }
  if (optimizerEngine(o) !== 'tfjs') return null;
  if (!TFJS_PROBLEMS.includes(problemKind))
    return {
      path: ['engine'],
      message: `tfjs runs only on network problems (${TFJS_PROBLEMS.join(', ')}), not '${problemKind}'`,
    };
  if (o.kind === 'gd' && o.stepRule !== 'fixed')
    return {
      path: ['engine'],
      message:
        'tfjs runs gd with a fixed step only (the curvature step needs the Hessian): add stepRule: fixed',
    };
  return null;
}

/** Whether a task runs on the tfjs engine. */
export function isTfjsTask(task: Task): task is OptimizeTask {
  return taskEngine(task) === 'tfjs';
}

/** The optimizer with `engine: f64` removed (at any depth): the default is never part of a task. */
export function withoutDefaultEngine(o: OptimizerSpec): OptimizerSpec {
  if (o.kind === 'warm-start')
    return {
      ...o,
      first: withoutDefaultEngine(o.first) as never,
      next: withoutDefaultEngine(o.next) as never,
    };
  if ('engine' in o && o.engine === 'f64') {
    const { engine: _, ...rest } = o;
    return rest as OptimizerSpec;
  }
  return o;
}
