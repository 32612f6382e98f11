import type { Task } from './task.js';

/** Problems of two angles (or a KKT system of a few unknowns): a run takes microseconds. */
const TINY_PROBLEMS: ReadonlySet<string> = new Set(['circle', 'torus', 'circle-kkt', 'torus-kkt']);

/**
 * Tasks a pool thread takes at once when the spec does not say (`block`): a run of a tiny
 * problem costs less than the message that would carry it, so up to 256 of them travel together
 * (test/bench/tiny.bench.ts measures the rate); any other task goes alone. A block changes no id
 * and no bit: each task in it is run by runTask as it would be alone.
 */
export function autoBlock(task: Task): number {
  if (task.kind !== 'optimize' || !TINY_PROBLEMS.has(task.problem.kind)) return 1;
  // A block should stay short (an interrupt waits for the blocks in flight): at most about
  // 256 × 200 iterations of a two-angle problem, fewer seeds when each may run longer.
  return Math.max(1, Math.min(256, Math.floor((256 * 200) / Math.max(1, task.stop.maxIter))));
}
