import { canonicalJson } from './study/canonical.js';
import { rowMaker } from './study/columns.js';
import { configOf } from './study/plan.js';
import type { TrialsResult, TrialsRow } from './study/result.js';
import type { TrialsTask } from './study/task.js';
import { TRIAL_COLUMNS } from './study/trials-columns.js';
import { runTrialBatch } from './trials/batch.js';

const newTrialsRow = rowMaker(TRIAL_COLUMNS);

/** A row with every column that describes the batch filled, its counts zero until the batch runs. */
export function trialsBaseRow(task: TrialsTask, worker: string): TrialsRow {
  const p = task.params;
  return Object.assign(newTrialsRow(), {
    task_id: task.id,
    config: configOf(task),
    study: task.study,
    ensemble: p.ensemble,
    model: p.model,
    method: p.method,
    n: p.n,
    first_trial: p.firstTrial,
    trials: p.trials,
    singular_tol: p.singularTol,
    worker,
    task: canonicalJson(task),
  });
}

/** A `hessian-trials` task: one batch through shared/trials, as a `trials` row. Never throws. */
export function runTrialsTask(task: TrialsTask, ctx: { worker: string }): TrialsResult {
  const t0 = performance.now();
  const p = task.params;
  const row = trialsBaseRow(task, ctx.worker);
  // The batch's streams derive from the study seed and the point; the trial range selects the matrices.
  let r: ReturnType<typeof runTrialBatch>;
  try {
    r = runTrialBatch({ ...p, key: [task.studySeed] });
  } catch (e) {
    row.message = `${(e as Error).name}: ${(e as Error).message}`;
    row.wall_ms = performance.now() - t0;
    return { kind: 'trials', row };
  }
  row.key = r.key;
  row.positive_definite = r.counts.positiveDefinite;
  row.negative_definite = r.counts.negativeDefinite;
  row.indefinite = r.counts.indefinite;
  row.singular = r.counts.singular;
  row.index_histogram = r.indexHistogram ? Float64Array.from(r.indexHistogram) : null;
  if (r.eigenvalueHistogram) {
    row.eig_hist_edges = Float64Array.from(r.eigenvalueHistogram.edges);
    row.eig_hist_counts = Float64Array.from(r.eigenvalueHistogram.counts);
    row.eig_hist_below = r.eigenvalueHistogram.below;
    row.eig_hist_above = r.eigenvalueHistogram.above;
  }
  row.wall_ms = performance.now() - t0;
  return { kind: 'trials', row };
}
