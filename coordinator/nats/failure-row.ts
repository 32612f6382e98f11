import { baseRow } from '../../shared/run-task.js';
import { canonicalJson } from '../../shared/study/canonical.js';
import { taskEngine } from '../../shared/study/engine.js';
import { configOf } from '../../shared/study/plan.js';
import type { Result, RunRow, TrialsRow } from '../../shared/study/result.js';
import type { OptimizeTask, Task, TrialsTask } from '../../shared/study/task.js';

/**
 * The row of a task that produced no result (it exhausted its deliveries, its message or result
 * was unreadable): status `error` with the reason, and every column that describes the task filled
 * as runTask fills it, so the row sits beside the others in every table and summary.
 * Runs rows start from baseRow of shared/run-task.ts; trials rows mirror the initial row of
 * shared/run-trials.ts (test/cluster/connection.test.ts checks that they agree).
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
  const p = task.params;
  return {
    task_id: task.id,
    config: configOf(task),
    study: task.study,
    ensemble: p.ensemble,
    model: p.model,
    method: p.method,
    n: p.n,
    first_trial: p.firstTrial,
    trials: p.trials,
    key: '',
    singular_tol: p.singularTol,
    positive_definite: 0,
    negative_definite: 0,
    indefinite: 0,
    singular: 0,
    message,
    index_histogram: null,
    eig_hist_edges: null,
    eig_hist_counts: null,
    eig_hist_below: null,
    eig_hist_above: null,
    wall_ms: 0,
    worker,
    task: canonicalJson(task),
  };
}
