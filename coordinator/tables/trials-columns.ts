import type { Column } from './columns.js';

const c = (name: string, type: Column['type'], nullable: boolean, doc: string): Column => ({
  name,
  type,
  nullable,
  doc,
});

/** The `trials` table: one row per batch of random-Hessian trials. Counts are exact; sum them across batches. */
export const TRIAL_COLUMNS: readonly Column[] = [
  c('task_id', 'utf8', false, 'Deterministic task id of the batch'),
  c('config', 'utf8', false, 'Configuration ((ensemble, model, n) point) hash: joins variants.config'),
  c('study', 'utf8', false, 'Study name'),
  c('ensemble', 'utf8', false, 'paper (upper triangle iid N(0,1), Eq. 13) or goe ((A + Aᵀ)/2, A iid N(0,1))'),
  c('model', 'utf8', false, 'dense, or tridiagonal (Dumitriu–Edelman model of the GOE)'),
  c('method', 'utf8', false, 'census (definiteness only, early exit) or index (also the index histogram)'),
  c('n', 'i32', false, 'Matrix size'),
  c(
    'first_trial',
    'f64',
    false,
    'Index of the batch’s first trial (trials are numbered per (ensemble, model, n))',
  ),
  c('trials', 'i32', false, 'Trials in the batch'),
  c(
    'key',
    'utf8',
    false,
    'Fingerprint of the counter key of (study seed, ensemble, model, n): batches under one key never overlap',
  ),
  c(
    'singular_tol',
    'f64',
    false,
    'A pivot or eigenvalue within singular_tol · (semicircle edge) counts as zero',
  ),
  c('positive_definite', 'i32', false, 'Trials with every eigenvalue positive'),
  c('negative_definite', 'i32', false, 'Trials with every eigenvalue negative'),
  c('indefinite', 'i32', false, 'Trials with eigenvalues of both signs'),
  c('singular', 'i32', false, 'Trials with a zero eigenvalue (within tolerance) and no sign change'),
  c('message', 'utf8', false, 'Empty, or the error that stopped the batch (its counts are then zero)'),
  c(
    'index_histogram',
    'f64[]',
    true,
    'method index: [i] = trials with exactly i negative eigenvalues (length n + 1)',
  ),
  c('eig_hist_edges', 'f64[]', true, 'Eigenvalue histogram bin edges, in units of √n (when asked for)'),
  c('eig_hist_counts', 'f64[]', true, 'Eigenvalues per bin, summed over the batch'),
  c('eig_hist_below', 'f64', true, 'Eigenvalues below the first edge'),
  c('eig_hist_above', 'f64', true, 'Eigenvalues above the last edge'),
  c('wall_ms', 'f64', false, 'Wall time of the batch in milliseconds (not reproducible)'),
  c('worker', 'utf8', false, 'host#thread that ran it (not reproducible)'),
  c('task', 'utf8', false, 'The whole task, canonical JSON (`saddlescope replay` reruns it)'),
];
