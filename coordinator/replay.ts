import { runTask } from '../shared/run-task.js';
import { isTfjsTask } from '../shared/study/engine.js';
import { InputError } from '../shared/study/errors.js';
import { type AnyRow, type HistoryColumns, RUN_CONTEXT_COLUMNS } from '../shared/study/result.js';
import type { OptimizeTask } from '../shared/study/task.js';
import { Task } from '../shared/study/task.js';
import { readManifest } from './out-dir.js';
import { loadResults } from './store/read.js';

export interface ReplayOutcome {
  readonly row: AnyRow;
  readonly replayed: AnyRow;
  readonly history: HistoryColumns | null;
  /** Columns whose bits differ (timing and worker excluded). */
  readonly differences: string[];
  /** For a tfjs row: the backend it was replayed on (its rows reproduce to float32, not bits). */
  readonly tfjsBackend?: string;
}

function sameBits(a: unknown, b: unknown): boolean {
  if (a instanceof Float64Array || b instanceof Float64Array) {
    if (!(a instanceof Float64Array && b instanceof Float64Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

/** A tfjs task rerun alone on this machine's tfjs backend (loaded only when a tfjs row is replayed). */
async function replayTfjs(task: OptimizeTask) {
  const { replayTfjsTask } = await import('../worker/tfjs-replay.js');
  return replayTfjsTask(task);
}

/**
 * Reruns one stored task (id or unique prefix) in the foreground and compares it bit for bit.
 * A tfjs row is rerun on the tfjs engine, alone: its float32 arithmetic depends on the backend
 * and on the batch it ran in, so the comparison there shows how far it moved, not a bit check.
 */
export async function replay(dir: string, id: string): Promise<ReplayOutcome> {
  readManifest(dir); // not an out dir at all is another error than a task it does not hold
  const { runs, trials } = loadResults(dir);
  const matches = [...runs, ...trials].filter((r) => r.task_id.startsWith(id));
  if (matches.length === 0) throw new InputError(`no task ${id} in ${dir}`);
  if (matches.length > 1)
    throw new InputError(`task id prefix ${id} is ambiguous in ${dir} (${matches.length} tasks)`);
  const row = matches[0];
  const task = Task.parse(JSON.parse(row.task));
  const tfjs = isTfjsTask(task) ? await replayTfjs(task) : null;
  const result = tfjs?.result ?? runTask(task, { worker: 'replay', fullHistory: true });
  const skip = new Set<string>(RUN_CONTEXT_COLUMNS);
  const replayed = result.row;
  const differences = Object.keys(row).filter(
    (k) => !skip.has(k) && !sameBits((row as never)[k], (replayed as never)[k]),
  );
  return {
    row,
    replayed,
    history: result.kind === 'run' ? result.history : null,
    differences,
    tfjsBackend: tfjs?.backend,
  };
}

/** One line that says what the task was and how it ended. */
export function describeRow(r: AnyRow): string {
  if ('status' in r)
    return `${r.problem} / ${r.optimizer} seed ${r.seed}: ${r.status} after ${r.iterations} iterations, ${r.point_class ?? 'unclassified'}`;
  return `${r.ensemble} ${r.model} n=${r.n} trials ${r.first_trial}…${r.first_trial + r.trials - 1}: ${r.positive_definite} positive definite, ${r.negative_definite} negative definite, ${r.indefinite} indefinite, ${r.singular} singular`;
}

export function formatTrace(h: HistoryColumns): string {
  const head =
    'iter  loss          ‖g‖           ‖g_inner‖     ‖g_outer‖     orthogonality ‖u‖/‖f‖       ‖step‖';
  const f = (v: number) => (Number.isNaN(v) ? '—' : v.toExponential(5)).padEnd(14);
  const lines = [head];
  for (let i = 0; i < h.iteration.length; i++)
    lines.push(
      String(h.iteration[i]).padEnd(6) +
        [
          h.loss,
          h.grad_norm,
          h.grad_norm_inner,
          h.grad_norm_outer,
          h.orthogonality,
          h.output_norm_ratio,
          h.step_norm,
        ]
          .map((c) => f(c[i]))
          .join(''),
    );
  return lines.join('\n');
}
