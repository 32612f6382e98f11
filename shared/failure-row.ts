import { baseRow } from './run-task.js';
import { trialsBaseRow } from './run-trials.js';
import { taskEngine } from './study/engine.js';
import type { Result, RunRow, TrialsRow } from './study/result.js';
import type { OptimizeTask, Task, TrialsTask } from './study/task.js';

/**
 * The row of a task that produced no result (it exhausted its deliveries, its message or result
 * was unreadable): status `error` with the reason, and every column that describes the task filled
 * as runTask fills it, so the row sits beside the others in every table and summary.
 * They start from the rows runTask starts from (baseRow, trialsBaseRow), so they agree with it
 * (test/cluster/connection.test.ts checks this).
 */
export function failureResult(task: Task, message: string, worker: string): Result {
  return task.kind === 'hessian-trials'
    ? { kind: 'trials', row: trialsFailureRow(task, message, worker) }
    : { kind: 'run', row: runFailureRow(task, message, worker), history: null };
}

function runFailureRow(task: OptimizeTask, message: string, worker: string): RunRow {
  return { ...baseRow(task, { worker }), message, engine: taskEngine(task) };
}

function trialsFailureRow(task: TrialsTask, message: string, worker: string): TrialsRow {
  return { ...trialsBaseRow(task, worker), message };
}
