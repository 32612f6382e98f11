import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { tableToIPC } from 'apache-arrow';
import { move } from 'piscina';
import { fusesTorusNewton } from '../shared/fused/fusable.js';
import { torusNewtonCells } from '../shared/fused/torus-newton.js';
import { runTask } from '../shared/run-task.js';
import { blockTasks, type SeedBlock } from '../shared/study/block.js';
import type { Result } from '../shared/study/result.js';
import type { Task } from '../shared/study/task.js';
import { encodeResultMessage } from '../shared/study/wire.js';
import { STORED_RUN_COLUMNS } from '../shared/tables/stored-columns.js';
import { tableFromCells, tableFromRows } from '../shared/tables/table-of.js';
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
 * and when no run has history the rows leave as one Arrow IPC stream, transferred (RunsIpc), so
 * the coordinator's thread neither clones a row object per run nor builds their columns.
 */
export function runSeedBlock(block: SeedBlock): Result[] | ReturnType<typeof move> {
  const out = seedBlockResults(block);
  return out instanceof Uint8Array ? move(out) : out;
}

/**
 * A seed block's results: its runs as one IPC stream when none has history, else the results. A
 * dense Newton block on the torus runs fused (shared/fused/torus-newton.ts), the same rows.
 */
export function seedBlockResults(block: SeedBlock): Result[] | Uint8Array {
  if (fusesTorusNewton(block.body)) {
    const cells = torusNewtonCells(block, worker);
    return tableToIPC(tableFromCells(STORED_RUN_COLUMNS, block.seeds.length, cells), 'stream');
  }
  const results = blockTasks(block).map((t) => runTask(t, { worker, lean: true }));
  if (results.some((r) => r.kind !== 'run' || r.history !== null)) return results;
  const rows = results.map((r) => r.row) as unknown as Record<string, unknown>[];
  return tableToIPC(tableFromRows(STORED_RUN_COLUMNS, rows), 'stream');
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
