import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { tableToIPC } from 'apache-arrow';
import { move } from 'piscina';
import { fusesTorusNewton } from '../shared/fused/fusable.js';
import { torusNewtonBatch } from '../shared/fused/torus-newton.js';
import { runTask } from '../shared/run-task.js';
import { blockTasks, type SeedBlock } from '../shared/study/block.js';
import {
  OutcomeTallier,
  type Result,
  type RunResult,
  type RunRow,
  type RunsBlock,
} from '../shared/study/result.js';
import type { Task } from '../shared/study/task.js';
import { encodeResultMessage } from '../shared/study/wire.js';
import { STORED_RUN_COLUMNS } from '../shared/tables/stored-columns.js';
import { tableFromRows } from '../shared/tables/table-of.js';
import { type TaskOutcome, taskOfMessage } from './task-bytes.js';

const worker = `${hostname()}#${threadId}`;

/** Piscina entry point: one task in, one result out (runTask never throws; failures are rows). */
export default function run(task: Task): Result {
  return runTask(task, { worker });
}

/** Piscina entry point for a block of tasks (shared/study/block.ts): each run as it would be alone. */
export function runBlock(tasks: Task[]): Result[] {
  return tasks.map((t) => runTask(t, { worker, lean: true }));
}

/**
 * Piscina entry point for a seed block (one configuration, many seeds): the tasks are built here,
 * and when no run has history the rows leave as one Arrow IPC stream with their outcomes tallied
 * (RunsBlock), so the coordinator's thread neither clones a row object per run nor builds their
 * columns.
 */
export function runSeedBlock(block: SeedBlock): Result[] | RunsBlock {
  // Cloned, not transferred: Piscina's move() of the IPC bytes made the coordinator's thread
  // busier (event-loop utilization 0.70–0.73 against 0.63, 10⁶ tiny runs, 3 interleaved pairs).
  return seedBlockResults(block);
}

/**
 * A seed block's results: its runs as one IPC stream with their outcomes tallied when none has
 * history, else the results. A dense Newton block on the torus runs fused
 * (shared/fused/torus-newton.ts), the same rows.
 */
export function seedBlockResults(block: SeedBlock): Result[] | RunsBlock {
  if (fusesTorusNewton(block.body)) {
    const batch = torusNewtonBatch(block, worker);
    const status = batch.refs('status') as RunRow['status'][];
    const pointClass = batch.refs('point_class') as RunRow['point_class'][];
    const ratio = batch.numbers('output_norm_ratio');
    const trivial = batch.bools('trivial');
    const tally = new OutcomeTallier();
    for (let i = 0; i < batch.length; i++) tally.add(status[i], pointClass[i], ratio.get(i), trivial.get(i));
    return { ipc: batch.stream(), outcomes: tally.tally() };
  }
  const results = blockTasks(block).map((t) => runTask(t, { worker, lean: true }));
  if (results.some((r) => r.kind !== 'run' || r.history !== null)) return results;
  const rows = results.map((r) => (r as RunResult).row);
  const tally = new OutcomeTallier();
  for (const r of rows) tally.add(r.status, r.point_class, r.output_norm_ratio, r.trivial);
  const ipc = tableToIPC(
    tableFromRows(STORED_RUN_COLUMNS, rows as unknown as Record<string, unknown>[]),
    'stream',
  );
  return { ipc, outcomes: tally.tally() };
}

/** A task message as the NATS worker hands it to a thread (the bytes are a copy, transferred). */
export interface TaskMessageJob {
  readonly data: Uint8Array;
  readonly subjectTaskId: string;
  /** The worker process (host:pid) named in the result message. */
  readonly sender: string;
}

/**
 * The NATS worker's entry point: a task message's bytes in, the result message's bytes out.
 * Decoding, checking, running and encoding all happen in this thread, so no task or result object
 * is structured-cloned between threads and the worker's main thread only moves bytes: on the no-op
 * throughput benchmark the clones and the codec had taken about a third of the main thread's
 * time (perf record of a worker, test/bench/nats.bench.ts's study).
 */
export function runMessage(job: TaskMessageJob): TaskOutcome | ReturnType<typeof move> {
  const task = taskOfMessage(job.data, job.subjectTaskId);
  if (typeof task === 'string') return { kind: 'malformed', message: task };
  // The result message's bytes, transferred (Piscina moves only a top-level value): the main
  // thread reads a Uint8Array as { kind: 'result', data } (outcomeOfJob in task-bytes.ts).
  return move(encodeResultMessage(runTask(task, { worker }), job.sender));
}
