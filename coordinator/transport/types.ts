import type { SeedBlock } from '../../shared/study/block.js';
import type { Result, RunsBlock } from '../../shared/study/result.js';
import type { Task } from '../../shared/study/task.js';

/** Transport-level facts shown beside the progress bar (workers seen, in flight, redeliveries). */
export interface TransportStats {
  readonly inFlight: number;
  readonly workers?: number;
  readonly redeliveries?: number;
}

/**
 * Where a transport hands its results (run-study.ts: the sink and the progress bar). `add` takes
 * one result (at-least-once: duplicates are dropped); `flush` makes every result added so far
 * durable (the journal's write). A transport that acknowledges results to a server does so only
 * after a flush, so a kill loses no result the server has let go of.
 */
export interface ResultReceiver {
  add(r: Result): void;
  /** Several results at once (a block): one journal record. */
  addAll?(rs: readonly Result[]): void;
  /** A seed block's runs as Arrow IPC (RunsBlock): one journal record, no row objects. */
  addRunsIpc(block: SeedBlock, runs: RunsBlock): void;
  flush(): void;
}

/**
 * The tasks of a study still without a row, in plan order, and (when known) how many; `blocks`,
 * when given, yields the same tasks grouped as seed blocks of up to `sizeOf(body)` seeds.
 */
export type PendingTasks = Iterable<Task> & {
  readonly count?: number;
  readonly blocks?: (sizeOf: (body: SeedBlock['body']) => number) => Iterable<SeedBlock>;
};

/**
 * The only thing that differs between a laptop and a cluster: it takes the tasks that
 * still need a row (a lazy stream: a transport takes them as it has room) and hands `results` one or more results per task (at-least-once; the sink
 * dedups), flushing them as it goes. It resolves when every task has had a result, and stops early
 * when `signal` aborts.
 */
export interface Transport {
  run(tasks: PendingTasks, results: ResultReceiver, signal?: AbortSignal): Promise<void>;
  stats(): TransportStats;
  close(): Promise<void>;
}
