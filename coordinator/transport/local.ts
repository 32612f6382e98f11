import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Piscina } from 'piscina';
import { isTfjsTask } from '../../shared/study/engine.js';
import type { Result } from '../../shared/study/result.js';
import type { OptimizeTask, Task } from '../../shared/study/task.js';
import { openTaskPool } from '../../worker/task-pool.js';
import { TfjsPool, tfjsBatches } from '../../worker/tfjs-pool.js';
import type { ResultReceiver, Transport, TransportStats } from './types.js';

/**
 * The embedded default: a Piscina pool in this process, no server. f64 tasks run on the pool's
 * `threads`; tfjs tasks (README, "Engines") are grouped into batches of one problem, optimizer and
 * stop rule and run on one extra, dedicated tfjs thread, started only if the study has any.
 */
export class LocalTransport implements Transport {
  private readonly pool: Piscina;
  private tfjs: TfjsPool | null = null;
  private inFlight = 0;

  constructor(
    readonly threads = availableParallelism(),
    private readonly log?: Logger,
  ) {
    this.pool = openTaskPool(threads);
  }

  async run(tasks: readonly Task[], results: ResultReceiver, signal?: AbortSignal): Promise<void> {
    const f64 = tasks.filter((t) => !isTfjsTask(t));
    const batches = tfjsBatches(tasks.filter(isTfjsTask));
    if (batches.length > 0) this.tfjs ??= new TfjsPool(this.log);
    // Each result is journaled as it comes (a kill loses only the tasks in flight).
    const report = (rs: readonly Result[]) => {
      for (const r of rs) results.add(r);
      results.flush();
    };
    // Keep a bounded window in flight (2 per thread, 2 batches on the tfjs thread) so a
    // million-task plan is not queued at once.
    await Promise.all([
      this.pumpAll(
        f64,
        this.threads * 2,
        (t) => this.pool.run(t) as Promise<Result>,
        (r) => report([r]),
        signal,
      ),
      this.pumpAll(
        batches,
        2,
        (b: OptimizeTask[]) => this.tfjs!.run(b),
        report,
        signal,
        (b) => b.length,
      ),
    ]);
  }

  /** Runs `items` with at most `window` in flight; resolves when those started have reported. */
  private pumpAll<T, R>(
    items: readonly T[],
    window: number,
    start: (item: T) => Promise<R>,
    report: (r: R) => void,
    signal?: AbortSignal,
    count: (item: T) => number = () => 1,
  ): Promise<void> {
    let next = 0;
    let running = 0;
    return new Promise<void>((resolve, reject) => {
      const pump = () => {
        // Interrupted or done: resolve once the items in flight have posted their results.
        if ((signal?.aborted || next >= items.length) && running === 0) return resolve();
        while (!signal?.aborted && running < window && next < items.length) {
          const item = items[next++];
          running++;
          this.inFlight += count(item);
          start(item).then(
            (r) => {
              running--;
              this.inFlight -= count(item);
              try {
                report(r);
              } catch (e) {
                return reject(e);
              }
              pump();
            },
            (e) => {
              running--;
              this.inFlight -= count(item);
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
    await Promise.all([this.pool.destroy(), this.tfjs?.destroy()]);
  }
}
