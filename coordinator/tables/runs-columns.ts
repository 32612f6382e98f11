import type { Column } from './columns.js';

const c = (name: string, type: Column['type'], nullable: boolean, doc: string): Column => ({
  name,
  type,
  nullable,
  doc,
});

/** The `runs` table: one row per optimizer run. */
export const RUN_COLUMNS: readonly Column[] = [
  c('task_id', 'utf8', false, 'Deterministic task id (hash of the task content); unique within a table'),
  c('config', 'utf8', false, 'Configuration (problem variant × optimizer) hash: joins variants.config'),
  c('study', 'utf8', false, 'Study name'),
  c('problem', 'utf8', false, 'Problem kind: circle, torus, mlp-regression, pinn-1d, pinn-2d'),
  c('optimizer', 'utf8', false, 'Optimizer kind: newton, saddle-free-newton, bfgs, l-bfgs, adam, gd'),
  c('seed', 'i32', false, 'Seed of the run within the study (initial point and random problem parts)'),
  c('problem_params', 'utf8', false, 'Problem parameters, canonical JSON'),
  c('optimizer_params', 'utf8', false, 'Optimizer parameters, canonical JSON'),
  c(
    'status',
    'utf8',
    false,
    'converged (‖g‖ < tolerance), max_iter, diverged (non-finite or blow-up) or error',
  ),
  c('message', 'utf8', false, 'Why a run did not converge (empty otherwise)'),
  c('iterations', 'i32', false, 'Optimizer steps taken'),
  c('loss', 'f64', false, 'Final loss L'),
  c('grad_norm', 'f64', false, 'Final ‖∇L‖₂'),
  c(
    'grad_norm_inner',
    'f64',
    true,
    'Final gradient norm over inner (basis-building) parameters; null for non-network problems',
  ),
  c(
    'grad_norm_outer',
    'f64',
    true,
    'Final gradient norm over outer (coefficient) parameters; null for non-network problems',
  ),
  c(
    'output_norm_ratio',
    'f64',
    true,
    'Final ‖u‖/‖f‖ on the grid (≈ 0 at the trivial solution); null for non-network problems',
  ),
  c(
    'orthogonality',
    'f64',
    true,
    'Final orthogonality metric of the basis against the target (paper §3); null for non-network problems',
  ),
  c(
    'point_class',
    'utf8',
    true,
    'minimum, maximum, saddle or degenerate, from the final Hessian eigenvalues; null if not recorded',
  ),
  c(
    'stationary_point',
    'utf8',
    true,
    'Name of the known stationary point reached (torus, circle census), else null',
  ),
  c('n_positive', 'i32', true, 'Eigenvalues of the final Hessian above zeroTol·max|λ|'),
  c('n_negative', 'i32', true, 'Eigenvalues below −zeroTol·max|λ|'),
  c('n_zero', 'i32', true, 'Eigenvalues within ±zeroTol·max|λ|'),
  c('eig_min', 'f64', true, 'Smallest Hessian eigenvalue at the final point'),
  c('eig_max', 'f64', true, 'Largest Hessian eigenvalue at the final point'),
  c('condition_number', 'f64', true, 'max|λ| / min|λ| of the final Hessian (Infinity if singular)'),
  c(
    'trivial',
    'bool',
    true,
    'output_norm_ratio < trivialTol (the trivial solution); null for non-network problems',
  ),
  c('initial_params', 'f64[]', true, 'Initial parameters (record.finalParams)'),
  c('final_params', 'f64[]', true, 'Final parameters, angles reduced to (−π, π] (record.finalParams)'),
  c('eigenvalues', 'f64[]', true, 'Final Hessian eigenvalues, ascending (record.eigenvalues)'),
  c(
    'engine',
    'utf8',
    false,
    'Compute engine: f64 (exact float64 path) or tfjs (batched float32 first-order training)',
  ),
  c(
    'backend',
    'utf8',
    true,
    'tfjs backend that ran it: tfjs-node-gpu, tfjs-node or tfjs-cpu (pure JS); null for f64 (not reproducible)',
  ),
  c('wall_ms', 'f64', false, 'Wall time of the run in milliseconds (not reproducible)'),
  c('worker', 'utf8', false, 'host#thread that ran it (not reproducible)'),
  c('task', 'utf8', false, 'The whole task, canonical JSON: `saddlescope replay` reruns it'),
];

/** The `history` table: per-iteration traces at the study's history stride. */
export const HISTORY_COLUMNS: readonly Column[] = [
  c('task_id', 'utf8', false, 'Run the row belongs to (joins runs.task_id)'),
  c('iteration', 'i32', false, 'Iteration k (0 is the initial point)'),
  c('loss', 'f64', false, 'Loss at iterate k'),
  c('grad_norm', 'f64', false, '‖∇L‖₂ at iterate k'),
  c('grad_norm_inner', 'f64', false, 'Inner gradient norm (NaN for non-network problems)'),
  c('grad_norm_outer', 'f64', false, 'Outer gradient norm (NaN for non-network problems)'),
  c('orthogonality', 'f64', false, 'Orthogonality metric (NaN for non-network problems)'),
  c('output_norm_ratio', 'f64', false, '‖u‖/‖f‖ (NaN for non-network problems)'),
  c('step_norm', 'f64', false, 'Norm of the step that produced iterate k (0 at k = 0)'),
];
