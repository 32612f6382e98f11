import { fusesTorusNewton } from '../fused/fusable.js';
import { prefixHash } from '../rng/prefix-hash.js';
import type { OptimizeTask, Task } from './task.js';
import { TASK_ID_CHARS } from './task-id.js';

/** Problems of two angles (or a KKT system of a few unknowns): a run takes microseconds. */
const TINY_PROBLEMS: ReadonlySet<string> = new Set(['circle', 'torus', 'circle-kkt', 'torus-kkt']);

/** What autoBlock reads of a task: its configuration is enough. */
type BlockKey = Pick<Task, 'kind'> & Partial<Pick<OptimizeTask, 'problem' | 'stop' | 'optimizer' | 'record'>>;

/**
 * Tasks a pool thread takes at once when the spec does not say (`block`): a run of a tiny
 * problem costs less than the message that would carry it, so up to 256 of them travel together,
 * 1024 when they run fused (test/bench/tiny.bench.ts measures the rate); any other task goes
 * alone. A block changes no id and no bit: each task in it runs as it would alone.
 */
export function autoBlock(task: BlockKey): number {
  if (task.kind !== 'optimize' || !task.problem || !task.stop || !TINY_PROBLEMS.has(task.problem.kind))
    return 1;
  // A block should stay short (an interrupt waits for the blocks in flight): at most about
  // 256 × 200 iterations of a two-angle problem, fewer seeds when each may run longer.
  // A fused block (shared/fused/) runs a seed in about half the time: 4 times the seeds wait
  // about twice as long (milliseconds), for a quarter of the messages, record batches and journal
  // frames a run.
  const fused = task.optimizer && task.record && fusesTorusNewton(task as OptimizeTask);
  const most = fused ? 1024 : 256;
  return Math.max(1, Math.min(most, Math.floor((most * 200) / Math.max(1, task.stop.maxIter))));
}

/** What the tasks of one configuration share: all but the seed and the id. */
export type SeedTaskBody = Omit<OptimizeTask, 'id' | 'study' | 'seed' | 'config'>;

/**
 * Several seeds of one configuration, as the local pool sends them to a thread: the configuration
 * once, then the seeds. The thread builds each task (taskAtSeed) as the plan would, so its id and
 * rows are those of the task sent alone; only the message is smaller (one body, not 256 clones of
 * it) and the ids are hashed off the coordinator's thread.
 */
export interface SeedBlock {
  readonly body: SeedTaskBody;
  readonly config: string;
  readonly study: string;
  /** Canonical JSON of the task around its seed: the id hashes idHead + seed + idTail. */
  readonly idHead: string;
  readonly idTail: string;
  readonly seeds: readonly number[];
}

/** The task of a configuration at one seed, its id hashed from the canonical text around the seed. */
export function taskAtSeed(block: Omit<SeedBlock, 'seeds'>, seed: number): OptimizeTask {
  // The same text taskId() would hash: canonical JSON with the seed in its sorted place.
  const id = prefixHash(block.idHead).hex(seed + block.idTail, TASK_ID_CHARS);
  // Written out field by field: a spread of the body cost a tenth of a tiny run's time.
  const b = block.body;
  return {
    kind: b.kind,
    id,
    study: block.study,
    config: block.config,
    studySeed: b.studySeed,
    seed,
    problem: b.problem,
    optimizer: b.optimizer,
    stop: b.stop,
    record: b.record,
  } satisfies Required<OptimizeTask>;
}

/** The task ids of a block's seeds (taskAtSeed's), as ASCII into out[TASK_ID_CHARS · i …]. */
export function blockIdsInto(block: SeedBlock, out: Uint8Array): void {
  prefixHash(block.idHead).seedsHexInto(block.seeds, block.idTail, out, TASK_ID_CHARS);
}

/** The tasks of a block, in its seeds' order. */
export function blockTasks(block: SeedBlock): OptimizeTask[] {
  return block.seeds.map((s) => taskAtSeed(block, s));
}
