import type { RunRow, TrialsRow } from '../../shared/study/result.js';
import { OptimizeTask } from '../../shared/study/task.js';
import type { StudyManifest } from '../out-dir.js';

/** What every figure builder gets: the study, its rows and its history, in plan order. */
export interface ReportContext {
  readonly manifest: StudyManifest;
  readonly runs: readonly RunRow[];
  readonly history: readonly Record<string, unknown>[];
  readonly trials: readonly TrialsRow[];
}

/** "torus (R=2, e=1.5, r=1)" from a row's problem and its canonical params. */
export function problemLabel(row: Pick<RunRow, 'problem' | 'problem_params'>): string {
  const p = JSON.parse(row.problem_params) as Record<string, unknown>;
  const parts = Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  return parts.length ? `${row.problem} (${parts.join(', ')})` : row.problem;
}

/** The task a run row was planned from (its canonical JSON, parsed). */
export const taskOf = (r: RunRow): OptimizeTask => OptimizeTask.parse(JSON.parse(r.task));

/** The settings sentence every caption ends with. */
export function settings(ctx: ReportContext, rows: readonly RunRow[]): string {
  const stop = ctx.manifest.spec.stop;
  const opts = [...new Map(rows.map((r) => [`${r.optimizer} ${r.optimizer_params}`, r])).keys()];
  return `Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}), ${rows.length} runs; ${opts.join('; ')}; stop at ‖∇L‖ < ${stop.gradTol} or ${stop.maxIter} iterations.`;
}

/** The outcome of a run as one label: its status, or for a converged run its kind of point (trivial marked). */
export function outcome(r: RunRow): string {
  if (r.status !== 'converged') return r.status;
  const cls = r.point_class ?? 'converged';
  return r.trivial ? `trivial ${cls}` : cls;
}

export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Text broken at ", " into lines of at most `width` characters (a figure's subtitle). */
export function wrapLines(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(', ')) {
    const next = line ? `${line}, ${part}` : part;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = part;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
