import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Piscina } from 'piscina';
import { autoBlock, blockTasks, type SeedBlock } from '../../shared/study/block.js';
import { isTfjsTask } from '../../shared/study/engine.js';
import type { Result, RunsBlock } from '../../shared/study/result.js';
import type { OptimizeTask, Task } from '../../shared/study/task.js';
import { openTaskPool } from '../../worker/task-pool.js';
import { TfjsPool, tfjsBatches } from '../../worker/tfjs-pool.js';
import type { PendingTasks, ResultReceiver, Transport, TransportStats } from './types.js';

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
    /** Tasks a thread takes at once (the spec's `block`); by default autoBlock's choice. */
    private readonly block?: number,
  ) {
    this.pool = openTaskPool(threads);
  }

  async run(tasks: PendingTasks, results: ResultReceiver, signal?: AbortSignal): Promise<void> {
    // Each result is journaled as it comes (a kill loses only the tasks in flight).
    const report = (rs: readonly Result[]) => {
      if (results.addAll) results.addAll(rs);
      else for (const r of rs) results.add(r);
      results.flush();
    };
    const reportBlock = ({ block, out }: { block: SeedBlock; out: Result[] | RunsBlock }) => {
      if (Array.isArray(out)) return report(out);
      results.addRunsIpc(block, out);
      results.flush();
    };
    // f64 tasks are taken from the (lazy) plan as pool slots free up; tfjs tasks met on the way
    // are kept, grouped into batches of one problem, optimizer and stop rule once the plan is seen.
    const tfjsTasks: OptimizeTask[] = [];
    const pumpF64 = tasks.blocks
      ? this.pumpSeedBlocks(tasks.blocks, tfjsTasks, reportBlock, signal)
      : this.pumpTaskBlocks(tasks, tfjsTasks, report, signal);
    await pumpF64;
    const batches = tfjsBatches(tfjsTasks);
    if (batches.length === 0) return;
    this.tfjs ??= new TfjsPool(this.log);
    let b = 0;
    await this.pumpAll(
      () => batches[b++] ?? null,
      2,
      (batch: OptimizeTask[]) => this.tfjs!.run(batch),
      report,
      signal,
      (batch) => batch.length,
    );
  }

  /**
   * Seed blocks (one configuration, many seeds: shared/study/block.ts) to the pool, 2 per thread
   * in flight; the thread builds the tasks. The blocks of tfjs configurations are set aside.
   */
  private pumpSeedBlocks(
    blocks: NonNullable<PendingTasks['blocks']>,
    tfjsTasks: OptimizeTask[],
    report: (r: { block: SeedBlock; out: Result[] | RunsBlock }) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const it = blocks((body) => (isTfjsTask(body as Task) ? 4096 : (this.block ?? autoBlock(body))))[
      Symbol.iterator
    ]();
    const next = (): SeedBlock | null => {
      for (;;) {
        const n = it.next();
        if (n.done) return null;
        if (isTfjsTask(n.value.body as Task)) tfjsTasks.push(...blockTasks(n.value));
        else return n.value;
      }
    };
    return this.pumpAll(
      next,
      this.threads * 2,
      async (block) => ({
        block,
        out: (await this.pool.run(block, { name: 'runSeedBlock' })) as Result[] | RunsBlock,
      }),
      report,
      signal,
      (b) => b.seeds.length,
    );
  }

  /** Tasks to the pool in blocks of the spec's `block` (or autoBlock's choice), 2 per thread in flight. */
  private pumpTaskBlocks(
    tasks: Iterable<Task>,
    tfjsTasks: OptimizeTask[],
    report: (rs: readonly Result[]) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const it = tasks[Symbol.iterator]();
    const nextF64 = (): Task | null => {
      for (;;) {
        const n = it.next();
        if (n.done) return null;
        if (isTfjsTask(n.value)) tfjsTasks.push(n.value);
        else return n.value;
      }
    };
    // Tasks go to a thread in blocks (tiny ones: one message for many runs).
    const nextBlock = (): Task[] | null => {
      const first = nextF64();
      if (first === null) return null;
      const block = [first];
      const size = this.block ?? autoBlock(first);
      while (block.length < size) {
        const t = nextF64();
        if (t === null) break;
        block.push(t);
      }
      return block;
    };
    // Keep a bounded window in flight (2 per thread, 2 batches on the tfjs thread) so a
    // million-task plan is never queued at once.
    return this.pumpAll(
      nextBlock,
      this.threads * 2,
      (b) => this.pool.run(b, { name: 'runBlock' }) as Promise<Result[]>,
      report,
      signal,
      (b) => b.length,
    );
  }

  /** Runs the items `next` gives with at most `window` in flight; resolves when those started have reported. */
  private pumpAll<T, R>(
    next: () => T | null,
    window: number,
    start: (item: T) => Promise<R>,
    report: (r: R) => void,
    signal?: AbortSignal,
    count: (item: T) => number = () => 1,
  ): Promise<void> {
    let running = 0;
    let exhausted = false;
    return new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (!signal?.aborted && !exhausted && running < window) {
          const item = next();
          if (item === null) {
            exhausted = true;
            break;
          }
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
        // Interrupted or done: resolve once the items in flight have posted their results.
        if ((signal?.aborted || exhausted) && running === 0) resolve();
      };
      pump();
    });
  }

  stats(): TransportStats {
    return { inFlight: this.inFlight };
  }

  async close(): Promise<void> {
    // When a failure (a full disk) ends the run, tasks still running post their results to a pool
    // being destroyed: Piscina emits each as an 'error' event, which unhandled would crash the
    // process with a stack trace instead of the failure's one line.
    this.pool.on('error', (e: Error) => this.log?.debug(`pool closing: ${e.message.split('\n')[0]}`));
    await Promise.all([this.pool.destroy(), this.tfjs?.destroy()]);
  }
}
