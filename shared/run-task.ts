import { classifyHessian, type Spectrum } from './analysis/classify.js';
import { type EstimatedSpectrum, estimateSpectrum, usesEstimate } from './analysis/estimate-spectrum.js';
import { HistoryRecorder } from './history.js';
import { norm2 } from './linalg/vector.js';
import { minimize } from './optimizers/minimize.js';
import { makeOptimizer } from './optimizers/mod.js';
import type { OptimizerState } from './optimizers/types.js';
import { hessianOperatorOf } from './problems/curvature-operator.js';
import type { Objective } from './problems/objective.js';
import { Stream, seedStates } from './rng/stream.js';
import { runTrialsTask } from './run-trials.js';
import { canonicalJson } from './study/canonical.js';
import { rowMaker } from './study/columns.js';
import { configOf } from './study/plan.js';
import { problemKind } from './study/problem-spec.js';
import type { HistoryColumns, Result, RunRow } from './study/result.js';
import { RUN_COLUMNS } from './study/runs-columns.js';
import type { OptimizeTask, Task } from './study/task.js';

/**
 * The random streams of a task. Both are keyed by the study seed, the problem variant and the seed,
 * not by the optimizer: every optimizer of a study starts from the same point for a given seed, so
 * comparisons between optimizers are paired.
 */
export function taskStreams(task: OptimizeTask) {
  const key = [task.studySeed, problemText(task.problem), task.seed] as const;
  return { problem: new Stream('problem', ...key), init: new Stream('init', ...key) };
}

/** The states of taskStreams(task).init for the seeds of one configuration (Stream.ofState's). */
export function initStates(
  studySeed: number,
  problem: OptimizeTask['problem'],
  seeds: ArrayLike<number>,
): Int32Array {
  return seedStates(['init', studySeed, problemText(problem)], seeds);
}

/** canonicalJson of a problem, once per problem object (the tasks of a block share theirs). */
const problemTexts = new WeakMap<object, string>();
function problemText(problem: OptimizeTask['problem']): string {
  let text = problemTexts.get(problem);
  if (text === undefined) {
    text = canonicalJson(problem);
    problemTexts.set(problem, text);
  }
  return text;
}

export function buildObjective(task: OptimizeTask, streams = taskStreams(task)): Objective {
  const kind = problemKind(task.problem.kind);
  return kind.create(parsedProblem(task.problem, kind.schema), streams.problem);
}

/** A problem's parameters through its schema (defaults filled), once per problem object. */
const parsedProblems = new WeakMap<object, unknown>();
function parsedProblem<T>(problem: OptimizeTask['problem'], schema: { parse(x: unknown): T }): T {
  if (!parsedProblems.has(problem)) parsedProblems.set(problem, schema.parse(problem));
  return parsedProblems.get(problem) as T;
}

/**
 * A task's objective and initial point, from one pair of its streams. Each stream is a SHA-256 of
 * its key (rng/stream.ts), a cost that shows on near-no-op tasks (a circle, one iteration): build
 * them once.
 */
export function taskStart(task: OptimizeTask): { f: Objective; x0: Float64Array } {
  const streams = taskStreams(task);
  const f = buildObjective(task, streams);
  return { f, x0: f.initial(streams.init, task.seed) };
}

export interface RunContext {
  /** Who ran it (host#thread); not part of the result's reproducible content. */
  readonly worker: string;
  /** Record the history at every iterate regardless of the task's stride (replay). */
  readonly fullHistory?: boolean;
  /**
   * Leave empty the columns a row shares with its configuration (problem_params, optimizer_params,
   * task): an out dir stores them once, in its variants table, so the local transport does not
   * build and copy them a row at a time.
   */
  readonly lean?: boolean;
}

/**
 * The ONE function that turns a task into a result, used by every worker and by replay.
 * It never throws: any failure becomes a row with status `error` and its message.
 */
export function runTask(task: Task, ctx: RunContext): Result {
  return task.kind === 'hessian-trials' ? runTrialsTask(task, ctx) : runOptimizeTask(task, ctx);
}

function runOptimizeTask(task: OptimizeTask, ctx: RunContext): Result {
  const t0 = performance.now();
  const row = baseRow(task, ctx);
  let history: HistoryColumns | null = null;
  try {
    const { f, x0 } = taskStart(task);
    const stride = ctx.fullHistory ? 1 : task.record.historyStride;
    const recorder = stride > 0 ? new HistoryRecorder(f, stride) : null;
    // Hessian-vector products of the Krylov steps, summed over the run (null when none was one).
    let products: number | null = null;
    const sol = minimize(makeOptimizer(task.optimizer), f, x0, task.stop, (k, s) => {
      if (k > 0 && s.krylov) products = (products ?? 0) + s.krylov.iterations;
      recorder?.observe(k, s);
    });
    recorder?.finish(sol.iterations, sol.last);
    history = recorder?.columns() ?? null;
    Object.assign(row, finalColumns(task, f, x0, sol.last), {
      status: sol.status,
      message: sol.message,
      iterations: sol.iterations,
      krylov_products: products,
    });
  } catch (e) {
    Object.assign(row, { status: 'error', message: `${(e as Error).name}: ${(e as Error).message}` });
  }
  row.wall_ms = performance.now() - t0;
  return { kind: 'run', row, history };
}

/** The columns that describe the final point x (exact float64: one Hessian per run). */
export function finalColumns(
  task: OptimizeTask,
  f: Objective,
  x0: Float64Array,
  last: OptimizerState,
): Partial<RunRow> {
  const x = last.x;
  const d = f.diagnostics(x);
  let spectrum: Spectrum | null = null;
  let estimated: EstimatedSpectrum | null = null;
  if (task.record.spectrum && usesEstimate(f, task.record))
    estimated = estimateSpectrum(hessianOperatorOf(f, x).hessian, spectrumStream(task), task.record.zeroTol);
  else if (task.record.spectrum) {
    const reduced = f.reducedHessian?.(x);
    const h = 'hessian' in last ? (last.hessian as Float64Array) : f.evaluate2(x).hessian;
    spectrum = reduced
      ? classifyHessian(reduced.matrix, reduced.n, task.record.zeroTol)
      : classifyHessian(h, f.dim, task.record.zeroTol);
  }
  const nan = (v: number) => (Number.isNaN(v) ? null : v);
  const ratio = nan(d.outputNormRatio);
  return {
    loss: last.value,
    grad_norm: norm2(last.gradient),
    grad_norm_inner: nan(d.gradNormInner),
    grad_norm_outer: nan(d.gradNormOuter),
    output_norm_ratio: ratio,
    orthogonality: nan(d.orthogonality),
    point_class: spectrum?.pointClass ?? estimated?.pointClass ?? null,
    stationary_point: f.identify?.(x) ?? null,
    n_positive: spectrum?.positive ?? (estimated && Math.round(estimated.counts.positive)),
    n_negative: spectrum?.negative ?? (estimated && Math.round(estimated.counts.negative)),
    n_zero: spectrum?.zero ?? (estimated && Math.round(estimated.counts.zero)),
    eig_min: spectrum?.eigMin ?? estimated?.eigMin ?? null,
    eig_max: spectrum?.eigMax ?? estimated?.eigMax ?? null,
    condition_number: spectrum?.conditionNumber ?? null,
    counts_estimated: spectrum ? false : estimated ? true : null,
    eig_min_residual: estimated?.eigMinResidual ?? null,
    eig_max_residual: estimated?.eigMaxResidual ?? null,
    eigenvalues: task.record.eigenvalues ? (spectrum?.eigenvalues ?? null) : null,
    spectral_nodes: task.record.eigenvalues ? (estimated?.density.nodes ?? null) : null,
    spectral_weights: task.record.eigenvalues ? (estimated?.density.weights ?? null) : null,
    trivial: ratio === null ? null : ratio < task.record.trivialTol,
    initial_params: task.record.finalParams ? x0 : null,
    final_params: task.record.finalParams ? (f.canonical?.(x) ?? Float64Array.from(x)) : null,
  };
}

const newRunRow = rowMaker(RUN_COLUMNS);

/** The stream of a task's spectrum estimate (Lanczos start, SLQ probes): its own key, like the others. */
export function spectrumStream(task: OptimizeTask): Stream {
  return new Stream('spectrum', task.studySeed, canonicalJson(task.problem), task.seed);
}

/** A row with every column that describes the task filled, as an error until the run fills the rest. */
export function baseRow(task: OptimizeTask, ctx: RunContext): RunRow {
  const { kind: problem, ...problemParams } = task.problem;
  const { kind, ...optimizerParams } = task.optimizer;
  // A warm start is named by its stages (adam→newton), so tables and figures tell it apart.
  const optimizer =
    task.optimizer.kind === 'warm-start' ? `${task.optimizer.first.kind}→${task.optimizer.next.kind}` : kind;
  // Fields set one by one on a row of the final shape (columns.ts, rowMaker).
  const row = newRunRow();
  row.task_id = task.id;
  row.config = configOf(task);
  row.study = task.study;
  row.problem = problem;
  row.optimizer = optimizer;
  row.seed = task.seed;
  row.problem_params = ctx.lean ? '' : canonicalJson(problemParams);
  row.optimizer_params = ctx.lean ? '' : canonicalJson(optimizerParams);
  row.worker = ctx.worker;
  row.task = ctx.lean ? '' : canonicalJson(task);
  return row;
}
