import { POINT_CLASSES } from '../analysis/classify.js';
import { RUN_STATUSES } from '../optimizers/minimize.js';
import { type Column, column } from './columns.js';
import { CONFIG_ID, TASK_ID } from './task-id.js';

/** The `runs` table: one row per optimizer run. */
export const RUN_COLUMNS = [
  column(
    'task_id',
    'utf8',
    false,
    'Deterministic task id (hash of the task content); unique within a table',
    {
      pattern: TASK_ID,
    },
  ),
  column('config', 'utf8', false, 'Configuration (problem variant × optimizer) hash: joins variants.config', {
    pattern: CONFIG_ID,
  }),
  column('study', 'utf8', false, 'Study name'),
  column('problem', 'utf8', false, 'Problem kind: circle, torus, mlp-regression, pinn-1d, pinn-2d'),
  column('optimizer', 'utf8', false, 'Optimizer kind: newton, saddle-free-newton, bfgs, l-bfgs, adam, gd'),
  column('seed', 'i32', false, 'Seed of the run within the study (initial point and random problem parts)'),
  column(
    'problem_params',
    'utf8',
    false,
    'Problem parameters, canonical JSON (in variants.arrow, joined on read)',
  ),
  column(
    'optimizer_params',
    'utf8',
    false,
    'Optimizer parameters, canonical JSON (in variants.arrow, joined on read)',
  ),
  column(
    'status',
    'utf8',
    false,
    'converged (‖g‖ < tolerance), max_iter, diverged (non-finite or blow-up) or error',
    { values: RUN_STATUSES, empty: 'error' },
  ),
  column('message', 'utf8', false, 'Why a run did not converge (empty otherwise)'),
  column('iterations', 'i32', false, 'Optimizer steps taken'),
  column('loss', 'f64', false, 'Final loss L', { empty: Number.NaN }),
  column('grad_norm', 'f64', false, 'Final ‖∇L‖₂', { empty: Number.NaN }),
  column(
    'grad_norm_inner',
    'f64',
    true,
    'Final gradient norm over inner (basis-building) parameters; null for non-network problems',
  ),
  column(
    'grad_norm_outer',
    'f64',
    true,
    'Final gradient norm over outer (coefficient) parameters; null for non-network problems',
  ),
  column(
    'output_norm_ratio',
    'f64',
    true,
    'Final ‖u‖/‖f‖ on the grid (≈ 0 at the trivial solution); null for non-network problems',
  ),
  column(
    'orthogonality',
    'f64',
    true,
    'Final orthogonality metric of the basis against the target (paper §3); null for non-network problems',
  ),
  column(
    'point_class',
    'utf8',
    true,
    'minimum, maximum, saddle or degenerate, from the final Hessian eigenvalues; null if not recorded',
    { values: POINT_CLASSES },
  ),
  column(
    'stationary_point',
    'utf8',
    true,
    'Name of the known stationary point reached (torus, circle census), else null',
  ),
  column('n_positive', 'i32', true, 'Eigenvalues of the final Hessian above zeroTol·max|λ|'),
  column('n_negative', 'i32', true, 'Eigenvalues below −zeroTol·max|λ|'),
  column('n_zero', 'i32', true, 'Eigenvalues within ±zeroTol·max|λ|'),
  column('eig_min', 'f64', true, 'Smallest Hessian eigenvalue at the final point'),
  column('eig_max', 'f64', true, 'Largest Hessian eigenvalue at the final point'),
  column(
    'condition_number',
    'f64',
    true,
    'max|λ| / min|λ| of the final Hessian (Infinity if singular); null when estimated',
  ),
  column(
    'counts_estimated',
    'bool',
    true,
    'true: eig_min/eig_max by Lanczos and the counts by stochastic Lanczos quadrature (record.spectrumMethod); false: a dense spectrum; null without one',
  ),
  column(
    'eig_min_residual',
    'f64',
    true,
    'Residual bound of the estimated eig_min (an eigenvalue lies within it); null when dense',
  ),
  column('eig_max_residual', 'f64', true, 'Residual bound of the estimated eig_max; null when dense'),
  column(
    'krylov_products',
    'f64',
    true,
    "Hessian-vector products the run's Krylov steps took (solver: krylov); null otherwise",
  ),
  column(
    'trivial',
    'bool',
    true,
    'output_norm_ratio < trivialTol (the trivial solution); null for non-network problems',
  ),
  column('initial_params', 'f64[]', true, 'Initial parameters (record.finalParams)'),
  column('final_params', 'f64[]', true, 'Final parameters, angles reduced to (−π, π] (record.finalParams)'),
  column('eigenvalues', 'f64[]', true, 'Final Hessian eigenvalues, ascending (record.eigenvalues)'),
  column(
    'spectral_nodes',
    'f64[]',
    true,
    'Estimated spectrum (counts_estimated): SLQ quadrature nodes of all probes, probe after probe (record.eigenvalues)',
  ),
  column(
    'spectral_weights',
    'f64[]',
    true,
    'Their weights, summing to 1: the spectral density is Σ w δ(λ − node)',
  ),
  column(
    'engine',
    'utf8',
    false,
    'Compute engine: f64 (exact float64 path) or tfjs (batched float32 first-order training)',
    { empty: 'f64' },
  ),
  column(
    'backend',
    'utf8',
    true,
    'tfjs backend that ran it: tfjs-node-gpu, tfjs-node or tfjs-cpu (pure JS); null for f64 (not reproducible)',
  ),
  column('wall_ms', 'f64', false, 'Wall time of the run in milliseconds (not reproducible)'),
  column('worker', 'utf8', false, 'host#thread that ran it (not reproducible)'),
  column(
    'task',
    'utf8',
    false,
    'The whole task, canonical JSON: `saddlescope replay` reruns it (rebuilt from variants.content and the seed on read)',
  ),
] as const satisfies readonly Column[];

/** The `history` table: per-iteration traces at the study's history stride. */
export const HISTORY_COLUMNS = [
  column('task_id', 'utf8', false, 'Run the row belongs to (joins runs.task_id)', { pattern: TASK_ID }),
  column('iteration', 'i32', false, 'Iteration k (0 is the initial point)'),
  column('loss', 'f64', false, 'Loss at iterate k'),
  column('grad_norm', 'f64', false, '‖∇L‖₂ at iterate k'),
  column('grad_norm_inner', 'f64', false, 'Inner gradient norm (NaN for non-network problems)'),
  column('grad_norm_outer', 'f64', false, 'Outer gradient norm (NaN for non-network problems)'),
  column('orthogonality', 'f64', false, 'Orthogonality metric (NaN for non-network problems)'),
  column('output_norm_ratio', 'f64', false, '‖u‖/‖f‖ (NaN for non-network problems)'),
  column('step_norm', 'f64', false, 'Norm of the step that produced iterate k (0 at k = 0)'),
  column(
    'krylov_products',
    'f64',
    false,
    'Hessian-vector products of the Krylov solve that produced iterate k (NaN if none)',
  ),
  column('krylov_residual', 'f64', false, 'Final relative residual of that solve (NaN if none)'),
] as const satisfies readonly Column[];
