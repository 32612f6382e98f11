import { canonicalJson } from '../../shared/study/canonical.js';
import type { Result, RunRow, TrialsRow } from '../../shared/study/result.js';
import type { OptimizeTask, Task, TrialsTask } from '../../shared/study/task.js';

/**
 * The row of a task that produced no result (it exhausted its deliveries, its message or result
 * was unreadable): status `error` with the reason, and every column that describes the task filled
 * as runTask fills it, so the row sits beside the others in every table and summary.
 * Mirrors baseRow in shared/run-task.ts and the initial row of shared/run-trials.ts
 * (test/cluster/failure-row.test.ts checks that they agree).
 */
export function failureResult(task: Task, message: string, worker: string): Result {
  return task.kind === 'hessian-trials'
    ? { kind: 'trials', row: trialsFailureRow(task, message, worker) }
    : { kind: 'run', row: runFailureRow(task, message, worker), history: null };
}

function runFailureRow(task: OptimizeTask, message: string, worker: string): RunRow {
  const { kind: problem, ...problemParams } = task.problem;
  const { kind, ...optimizerParams } = task.optimizer;
  const optimizer =
    task.optimizer.kind === 'warm-start' ? `${task.optimizer.first.kind}→${task.optimizer.next.kind}` : kind;
  return {
    task_id: task.id,
    study: task.study,
    problem,
    optimizer,
    seed: task.seed,
    problem_params: canonicalJson(problemParams),
    optimizer_params: canonicalJson(optimizerParams),
    status: 'error',
    message,
    iterations: 0,
    loss: Number.NaN,
    grad_norm: Number.NaN,
    grad_norm_inner: null,
    grad_norm_outer: null,
    output_norm_ratio: null,
    orthogonality: null,
    point_class: null,
    stationary_point: null,
    n_positive: null,
    n_negative: null,
    n_zero: null,
    eig_min: null,
    eig_max: null,
    condition_number: null,
    trivial: null,
    initial_params: null,
    final_params: null,
    eigenvalues: null,
    engine: 'f64',
    wall_ms: 0,
    worker,
    task: canonicalJson(task),
  };
}

function trialsFailureRow(task: TrialsTask, message: string, worker: string): TrialsRow {
  const p = task.params;
  return {
    task_id: task.id,
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
