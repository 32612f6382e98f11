import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Result } from '../../shared/study/result.js';
import type { Task } from '../../shared/study/task.js';
import type { Transport, TransportStats } from './types.js';

export const POOL_WORKER = new URL('../../worker/pool-worker.js', import.meta.url).href;

/** The embedded default: a Piscina pool in this process, no server. */
export class LocalTransport implements Transport {
  private readonly pool: Piscina;
  private inFlight = 0;

  constructor(readonly threads = availableParallelism()) {
    this.pool = new Piscina({ filename: POOL_WORKER, minThreads: threads, maxThreads: threads });
  }

  async run(tasks: readonly Task[], onResult: (r: Result) => void, signal?: AbortSignal): Promise<void> {
    // Keep a bounded window in flight (2 per thread) so a million-task plan is not queued at once.
    const window = this.threads * 2;
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        // Interrupted or done: resolve once the tasks in flight have posted their results.
        if ((signal?.aborted || next >= tasks.length) && this.inFlight === 0) return resolve();
        while (!signal?.aborted && this.inFlight < window && next < tasks.length) {
          const task = tasks[next++];
          this.inFlight++;
          (this.pool.run(task) as Promise<Result>).then(
            (r) => {
              this.inFlight--;
              try {
                onResult(r);
              } catch (e) {
                return reject(e);
              }
              pump();
            },
            (e) => {
              this.inFlight--;
              reject(e);
            },
          );
        }
      };
      pump();
    });
  }

  stats(): TransportStats {
    return { inFlight: this.inFlight };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
