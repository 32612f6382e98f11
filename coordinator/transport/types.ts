import type { Result } from '../../shared/study/result.js';
import type { Task } from '../../shared/study/task.js';

/** Transport-level facts shown beside the progress bar (workers seen, in flight, redeliveries). */
export interface TransportStats {
  readonly inFlight: number;
  readonly workers?: number;
  readonly redeliveries?: number;
}

/**
 * The only thing that differs between a laptop and a cluster (DESIGN.md): it takes the tasks that
 * still need a row and calls `onResult` once or more per task (at-least-once; the sink dedups).
 * It resolves when every task has had a result, and stops early when `signal` aborts.
 */
export interface Transport {
  run(tasks: readonly Task[], onResult: (r: Result) => void, signal?: AbortSignal): Promise<void>;
  stats(): TransportStats;
  close(): Promise<void>;
}
