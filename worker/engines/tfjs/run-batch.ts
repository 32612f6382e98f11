import { HistoryRecorder } from '../../../shared/history.js';
import type { OptimizerState } from '../../../shared/optimizers/types.js';
import type { NetworkObjective } from '../../../shared/problems/network.js';
import { baseRow, finalColumns, type RunContext, taskStart } from '../../../shared/run-task.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { engineIssue } from '../../../shared/study/engine.js';
import type { Result, RunRow } from '../../../shared/study/result.js';
import type { OptimizeTask } from '../../../shared/study/task.js';
import type { TfjsBackend } from './backend.js';
import { disposeBatch, networkBatchOf } from './network-model.js';
import { blockShapes, type FirstOrderRule, trainBatch } from './train.js';

/**
 * Tasks that may train in one batch: the same problem, optimizer and stop rule (they differ in
 * seed, study name and what they record). Each task's own objective, initial point and final row
 * stay its own.
 */
export function batchKey(task: OptimizeTask): string {
  return canonicalJson([task.problem, task.optimizer, task.stop]);
}

function ruleOf(task: OptimizeTask): FirstOrderRule {
  const o = task.optimizer;
  if (o.kind === 'adam') return { kind: 'adam', lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps };
  if (o.kind === 'gd') return { kind: 'gd', step: o.step };
  throw new Error(`the tfjs engine runs adam and gd, not ${o.kind}`);
}

/** The state the f64 recorder and final columns read: exact float64 at a float32 iterate. */
function exactState(f: NetworkObjective, x32: Float32Array, stepNorm: number): OptimizerState {
  const x = Float64Array.from(x32);
  const e = f.evaluate(x);
  return { x, value: e.value, gradient: e.gradient, stepNorm };
}

/**
 * The tfjs engine's runTask: one batch of tasks (same `batchKey`) in, one result per task out, in
 * order, never throwing. Every seed starts from exactly the f64 engine's initial point (the task's
 * init stream), rounded to float32; training is float32 on the backend; the final point (and any
 * history iterate) is then described by the exact float64 path — loss, gradient norm, diagnostics
 * and the Hessian's spectrum are those of the float64 objective at the float32 iterate.
 */
export function runTfjsBatch(
  tasks: readonly OptimizeTask[],
  backend: TfjsBackend,
  ctx: RunContext,
): Result[] {
  const t0 = performance.now();
  const rows: RunRow[] = tasks.map((task) => ({
    ...baseRow(task, ctx),
    engine: 'tfjs',
    backend: backend.name,
  }));
  const histories: (HistoryRecorder | null)[] = tasks.map(() => null);
  try {
    const key = batchKey(tasks[0]);
    for (const task of tasks) {
      if (batchKey(task) !== key) throw new Error(`task ${task.id} does not belong in this batch`);
      const why = engineIssue(task.optimizer, task.problem.kind);
      if (why) throw new Error(`optimizer.${why.path.join('.')}: ${why.message}`);
    }
    const starts = tasks.map((task) => taskStart(task));
    const fs = starts.map((s) => s.f as NetworkObjective);
    const x0 = starts.map((s) => s.x0);
    tasks.forEach((task, i) => {
      const stride = ctx.fullHistory ? 1 : task.record.historyStride;
      if (stride > 0) histories[i] = new HistoryRecorder(fs[i], stride);
    });
    const stride = Math.min(...tasks.map((t) => (ctx.fullHistory ? 1 : t.record.historyStride || Infinity)));
    const { tf } = backend;
    const net = networkBatchOf(tf, tasks[0].problem, fs);
    let outcomes: ReturnType<typeof trainBatch>;
    try {
      outcomes = trainBatch(
        tf,
        net,
        blockShapes(fs[0].net.layout),
        x0.map((x) => Float32Array.from(x)),
        ruleOf(tasks[0]),
        tasks[0].stop,
        Number.isFinite(stride)
          ? { stride, observe: (s, k, x, step) => histories[s]?.observe(k, exactState(fs[s], x, step)) }
          : undefined,
      );
    } finally {
      disposeBatch(net);
    }
    outcomes.forEach((o, i) => {
      const last = exactState(fs[i], o.x, 0);
      histories[i]?.finish(o.iterations, last);
      Object.assign(rows[i], finalColumns(tasks[i], fs[i], x0[i], last), {
        status: o.status,
        message: o.message,
        iterations: o.iterations,
      });
    });
  } catch (e) {
    for (const row of rows)
      Object.assign(row, { status: 'error', message: `${(e as Error).name}: ${(e as Error).message}` });
  }
  // The batch's wall time, shared out: each seed's share of the one tensor program.
  const share = (performance.now() - t0) / tasks.length;
  return rows.map((row, i) => {
    row.wall_ms = share;
    return { kind: 'run', row, history: row.status === 'error' ? null : (histories[i]?.columns() ?? null) };
  });
}

/** Batches of at most `max` items of one batchKey each, in the order the keys first appear. */
export function groupBatches<T = OptimizeTask>(
  items: readonly T[],
  max: number,
  taskOf: (item: T) => OptimizeTask = (item) => item as OptimizeTask,
): T[][] {
  const open = new Map<string, T[]>();
  const batches: T[][] = [];
  for (const item of items) {
    const key = batchKey(taskOf(item));
    let b = open.get(key);
    if (!b || b.length >= max) {
      b = [];
      open.set(key, b);
      batches.push(b);
    }
    b.push(item);
  }
  return batches;
}
