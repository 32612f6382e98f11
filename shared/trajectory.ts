import { minimize } from './optimizers/minimize.js';
import { makeOptimizer } from './optimizers/mod.js';
import { taskStart } from './run-task.js';
import type { OptimizeTask } from './study/task.js';

/** The iterates x₀, x₁, … of a task, recomputed (tasks are deterministic), at most `limit` of them. */
export function trajectory(task: OptimizeTask, limit = 1000): Float64Array[] {
  const { f, x0 } = taskStart(task);
  const xs: Float64Array[] = [];
  minimize(
    makeOptimizer(task.optimizer),
    f,
    x0,
    { ...task.stop, maxIter: Math.min(task.stop.maxIter, limit) },
    (_, s) => {
      xs.push(f.canonical?.(s.x) ?? Float64Array.from(s.x));
    },
  );
  return xs;
}
