import { minimize } from './optimizers/minimize.js';
import { makeOptimizer } from './optimizers/mod.js';
import { taskStart } from './run-task.js';
import type { OptimizeTask } from './study/task.js';

/**
 * The iterates x₀, x₁, … of a task, recomputed (tasks are deterministic), at most `limit` of them;
 * each in its canonical form (angles reduced) unless `canonical` is false (a path to draw unwrapped).
 */
export function trajectory(task: OptimizeTask, limit = 1000, canonical = true): Float64Array[] {
  const { f, x0 } = taskStart(task);
  const xs: Float64Array[] = [];
  minimize(
    makeOptimizer(task.optimizer),
    f,
    x0,
    { ...task.stop, maxIter: Math.min(task.stop.maxIter, limit) },
    (_, s) => {
      xs.push((canonical ? f.canonical?.(s.x) : undefined) ?? Float64Array.from(s.x));
    },
  );
  return xs;
}
