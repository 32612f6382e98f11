import type { Logger } from 'pino';
import { Piscina } from 'piscina';
import type { Result } from '../shared/study/result.js';
import type { OptimizeTask } from '../shared/study/task.js';
import { groupBatches } from './engines/tfjs/run-batch.js';

export const TFJS_THREAD = new URL('./tfjs-thread.js', import.meta.url).href;

/**
 * Seeds trained in one tfjs batch at most. Large enough that a batch's tensors ([64, N, w] at
 * N = 100, w = 20 is 0.5 MB a layer) amortize the per-op cost; small enough that a batch of long
 * runs does not hold many tasks' acks at once.
 */
export const TFJS_BATCH = 64;

/** tfjs tasks in the batches the tfjs thread runs: one problem, optimizer and stop rule each. */
export function tfjsBatches(tasks: readonly OptimizeTask[]): OptimizeTask[][] {
  return groupBatches(tasks, TFJS_BATCH);
}

/**
 * The single tfjs thread of a process (tfjs-node's native addon must not be loaded by several
 * threads): a Piscina pool of one thread that runs batches of tfjs tasks, one at a time. The
 * backend it picks is logged once, on first use.
 */
export class TfjsPool {
  private readonly pool = new Piscina({ filename: TFJS_THREAD, minThreads: 1, maxThreads: 1 });
  private announced: Promise<void> | null = null;

  constructor(private readonly log?: Logger) {}

  /** Loads the backend (if not yet) and logs which one was chosen. */
  start(): Promise<void> {
    this.announced ??= (
      this.pool.run(null, { name: 'backendInfo' }) as Promise<{ name: string; skipped: string[] }>
    ).then((b) => {
      this.log?.info(`tfjs engine: backend ${b.name} (one tfjs thread)`);
      for (const why of b.skipped) this.log?.debug(`tfjs engine: not ${why}`);
    });
    return this.announced;
  }

  async run(batch: readonly OptimizeTask[]): Promise<Result[]> {
    await this.start();
    return this.pool.run(batch) as Promise<Result[]>;
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
