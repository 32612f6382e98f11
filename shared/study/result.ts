import type { PointClass } from '../analysis/classify.js';
import type { RunStatus } from '../optimizers/minimize.js';

/**
 * One row of the `runs` table (columns documented in README.md). Field names are the column names.
 * Nullable fields are null where the quantity was not computed or has no meaning for the problem.
 */
export interface RunRow {
  task_id: string;
  /** Hash of the task's configuration (shared/study/plan.ts configOf): joins variants.config. */
  config: string;
  study: string;
  problem: string;
  optimizer: string;
  seed: number;
  /** Canonical JSON of the problem's and optimizer's parameters. */
  problem_params: string;
  optimizer_params: string;
  status: RunStatus;
  message: string;
  iterations: number;
  loss: number;
  grad_norm: number;
  grad_norm_inner: number | null;
  grad_norm_outer: number | null;
  output_norm_ratio: number | null;
  orthogonality: number | null;
  point_class: PointClass | null;
  stationary_point: string | null;
  n_positive: number | null;
  n_negative: number | null;
  n_zero: number | null;
  eig_min: number | null;
  eig_max: number | null;
  condition_number: number | null;
  trivial: boolean | null;
  initial_params: Float64Array | null;
  final_params: Float64Array | null;
  eigenvalues: Float64Array | null;
  /** f64 or tfjs (shared/study/engine.ts). */
  engine: string;
  /** Where a tfjs run ran: tfjs-cpu, tfjs-node or tfjs-node-gpu; null for f64. */
  backend: string | null;
  wall_ms: number;
  worker: string;
  /** Canonical JSON of the task: `saddlescope replay` reruns it from this alone. */
  task: string;
}

/** Per-iteration trace of one run at the task's history stride, column-wise. */
export interface HistoryColumns {
  iteration: Int32Array;
  loss: Float64Array;
  grad_norm: Float64Array;
  grad_norm_inner: Float64Array;
  grad_norm_outer: Float64Array;
  orthogonality: Float64Array;
  output_norm_ratio: Float64Array;
  step_norm: Float64Array;
}

/** What a worker posts back for one task. */
export interface RunResult {
  readonly kind: 'run';
  readonly row: RunRow;
  readonly history: HistoryColumns | null;
}

/** One row of the `trials` table: one batch of random-Hessian trials (columns in README.md). */
export interface TrialsRow {
  task_id: string;
  config: string;
  study: string;
  ensemble: 'paper' | 'goe';
  model: 'dense' | 'tridiagonal';
  method: 'census' | 'index';
  n: number;
  first_trial: number;
  trials: number;
  /** Fingerprint of the point's counter key: batches under one key must not overlap. */
  key: string;
  singular_tol: number;
  positive_definite: number;
  negative_definite: number;
  indefinite: number;
  singular: number;
  /** Empty, or the error that stopped the batch (its counts are then all zero). */
  message: string;
  index_histogram: Float64Array | null;
  eig_hist_edges: Float64Array | null;
  eig_hist_counts: Float64Array | null;
  eig_hist_below: number | null;
  eig_hist_above: number | null;
  wall_ms: number;
  worker: string;
  task: string;
}

export interface TrialsResult {
  readonly kind: 'trials';
  readonly row: TrialsRow;
}

export type Result = RunResult | TrialsResult;
export type AnyRow = RunRow | TrialsRow;

/** Columns that depend on where and when a task ran, not on the task: excluded from reproducibility checks. */
export const RUN_CONTEXT_COLUMNS = ['wall_ms', 'worker', 'backend'] as const;

/** Columns of a run row that come from its task alone (what the task was, not how it went). */
export const TASK_COLUMNS = [
  'task_id',
  'study',
  'problem',
  'optimizer',
  'seed',
  'problem_params',
  'optimizer_params',
  'task',
] as const satisfies readonly (keyof RunRow)[];
