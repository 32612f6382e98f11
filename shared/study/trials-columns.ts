import { HessianTrialsParams } from '../trials/schema.js';
import { type Column, column } from './columns.js';
import { CONFIG_ID, TASK_ID } from './task-id.js';

const p = HessianTrialsParams.shape;

/** The `trials` table: one row per batch of random-Hessian trials. Counts are exact; sum them across batches. */
export const TRIAL_COLUMNS = [
  column('task_id', 'utf8', false, 'Deterministic task id of the batch', { pattern: TASK_ID }),
  column('config', 'utf8', false, 'Configuration ((ensemble, model, n) point) hash: joins variants.config', {
    pattern: CONFIG_ID,
  }),
  column('study', 'utf8', false, 'Study name'),
  column(
    'ensemble',
    'utf8',
    false,
    'paper (upper triangle iid N(0,1), Eq. 13) or goe ((A + Aᵀ)/2, A iid N(0,1))',
    { values: p.ensemble.options },
  ),
  column('model', 'utf8', false, 'dense, or tridiagonal (Dumitriu–Edelman model of the GOE)', {
    values: p.model.unwrap().options,
  }),
  column(
    'method',
    'utf8',
    false,
    'census (definiteness only, early exit) or index (also the index histogram)',
    { values: p.method.unwrap().options },
  ),
  column('n', 'i32', false, 'Matrix size'),
  column(
    'first_trial',
    'f64',
    false,
    'Index of the batch’s first trial (trials are numbered per (ensemble, model, n))',
    { integer: true },
  ),
  column('trials', 'i32', false, 'Trials in the batch'),
  column(
    'key',
    'utf8',
    false,
    'Fingerprint of the counter key of (study seed, ensemble, model, n): batches under one key never overlap',
  ),
  column(
    'singular_tol',
    'f64',
    false,
    'A pivot or eigenvalue within singular_tol · (semicircle edge) counts as zero',
  ),
  column('positive_definite', 'i32', false, 'Trials with every eigenvalue positive'),
  column('negative_definite', 'i32', false, 'Trials with every eigenvalue negative'),
  column('indefinite', 'i32', false, 'Trials with eigenvalues of both signs'),
  column('singular', 'i32', false, 'Trials with a zero eigenvalue (within tolerance) and no sign change'),
  column('message', 'utf8', false, 'Empty, or the error that stopped the batch (its counts are then zero)'),
  column(
    'index_histogram',
    'f64[]',
    true,
    'method index: [i] = trials with exactly i negative eigenvalues (length n + 1)',
  ),
  column('eig_hist_edges', 'f64[]', true, 'Eigenvalue histogram bin edges, in units of √n (when asked for)'),
  column('eig_hist_counts', 'f64[]', true, 'Eigenvalues per bin, summed over the batch'),
  column('eig_hist_below', 'f64', true, 'Eigenvalues below the first edge'),
  column('eig_hist_above', 'f64', true, 'Eigenvalues above the last edge'),
  column('wall_ms', 'f64', false, 'Wall time of the batch in milliseconds (not reproducible)'),
  column('worker', 'utf8', false, 'host#thread that ran it (not reproducible)'),
  column(
    'task',
    'utf8',
    false,
    'The whole task, canonical JSON (`saddlescope replay` reruns it; rebuilt from variants.content on read)',
  ),
] as const satisfies readonly Column[];
