import type { Task } from './task.js';

/** Problems of two angles (or a KKT system of a few unknowns): a run takes microseconds. */
const TINY_PROBLEMS: ReadonlySet<string> = new Set(['circle', 'torus', 'circle-kkt', 'torus-kkt']);

/**
 * Tasks a pool thread takes at once when the spec does not say (`block`): a run of a tiny
 * problem costs less than the message that would carry it, so 256 of them travel together
 * (test/bench/tiny.bench.ts measures the rate); any other task goes alone. A block changes no id
 * and no bit: each task in it is run by runTask as it would be alone.
 */
export function autoBlock(task: Task): number {
  return task.kind === 'optimize' && TINY_PROBLEMS.has(task.problem.kind) ? 256 : 1;
}
