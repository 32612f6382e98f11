import type { RunRow, TrialsRow } from '../../shared/study/result.js';
import { OptimizeTask } from '../../shared/study/task.js';
import type { StudyManifest } from '../out-dir.js';
import type { Labels } from './labels.js';

export type HistoryRow = Record<string, unknown>;

/**
 * What every figure builder gets: the study, and its tables as re-iterable streams. A figure
 * aggregates as rows go by (counts, bins, sketches, or a bounded sample of runs chosen by
 * task id: sample.ts), never keeping every row. `labels` names configurations (labels.ts).
 */
export interface ReportContext {
  readonly manifest: StudyManifest;
  runs(): Iterable<RunRow>;
  /** History rows, each run's rows together and in iteration order (as the sink writes them). */
  history(): Iterable<HistoryRow>;
  trials(): Iterable<TrialsRow>;
  readonly labels: Labels;
}

/** The key of a row's problem variant. */
export const problemKey = (r: Pick<RunRow, 'problem' | 'problem_params'>) =>
  `${r.problem} ${r.problem_params}`;
/** The key of a row's optimizer configuration. */
export const optimizerKey = (r: Pick<RunRow, 'optimizer' | 'optimizer_params'>) =>
  `${r.optimizer} ${r.optimizer_params}`;

/** "torus (R=2, e=1.5, r=1)" from a row's problem and its canonical params. */
export function problemLabel(row: Pick<RunRow, 'problem' | 'problem_params'>): string {
  const p = JSON.parse(row.problem_params) as Record<string, unknown>;
  const parts = Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  return parts.length ? `${row.problem} (${parts.join(', ')})` : row.problem;
}

/** The task a run row was planned from (its canonical JSON, parsed). */
export const taskOf = (r: RunRow): OptimizeTask => OptimizeTask.parse(JSON.parse(r.task));

/** The settings sentence every caption ends with: `runs` runs of the configurations named. */
export function settings(ctx: ReportContext, runs: number, configs: Iterable<string>): string {
  const stop = ctx.manifest.spec.stop;
  return `Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}), ${runs} runs; ${[...new Set(configs)].join('; ')}; stop at ‖∇L‖ < ${stop.gradTol} or ${stop.maxIter} iterations.`;
}

export function groupBy<T>(xs: Iterable<T>, key: (x: T) => string): Map<string, T[]> {
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
