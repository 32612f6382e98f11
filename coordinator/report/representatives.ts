import type { BasisSample } from '../../shared/problems/objective.js';
import { buildObjective } from '../../shared/run-task.js';
import type { RunRow } from '../../shared/study/result.js';
import { optimizerKey, problemKey, type ReportContext, taskOf } from './context.js';
import { outcome } from './outcome.js';
import { BottomK, getOr } from './sample.js';

/** A run a figure draws, with its network sampled at the final parameters on the problem's plot grid. */
export interface SampledRun {
  readonly row: RunRow;
  /** Its optimizer configuration's label (labels.ts). */
  readonly label: string;
  readonly sample: BasisSample;
}

/** Candidates kept per (configuration, outcome): a diverged run's last iterate can overflow the network. */
const CANDIDATES = 3;

/** Per problem variant: its run count, its configurations, and per configuration and outcome a few runs. */
export interface ProblemRuns {
  readonly first: RunRow;
  runs: number;
  readonly configs: Set<string>;
  /** label → outcome → the runs of smallest seed with final parameters (plan order within a group). */
  readonly byConfig: Map<string, Map<string, { count: number; rows: BottomK<RunRow> }>>;
}

/** One pass over the runs: per problem variant, what representative figures need (bounded). */
export function problemRuns(ctx: ReportContext): Map<string, ProblemRuns> {
  const out = new Map<string, ProblemRuns>();
  for (const r of ctx.runs()) {
    const p = getOr(out, problemKey(r), () => ({
      first: r,
      runs: 0,
      configs: new Set<string>(),
      byConfig: new Map(),
    }));
    p.runs++;
    p.configs.add(optimizerKey(r));
    const c = getOr(p.byConfig, ctx.labels.optimizer(r), () => new Map());
    const o = getOr(c, outcome(r), () => ({
      count: 0,
      rows: new BottomK<RunRow>(CANDIDATES, (x) => x.seed),
    }));
    o.count++;
    if (r.final_params !== null) o.rows.add(r);
  }
  return out;
}

/**
 * The runs worth drawing for one problem variant: per optimizer configuration (in order of
 * appearance), the run of smallest seed of each distinct outcome, the most frequent outcome first,
 * at most `perOptimizer`. So one panel per configuration shows its typical end, and more panels
 * show how else it ends. Empty when the problem is not a network whose plot grid has dimension `d`.
 */
export function sampledRepresentatives(p: ProblemRuns, perOptimizer: number, d: number): SampledRun[] {
  const out: SampledRun[] = [];
  const anyRow = [...p.byConfig.values()]
    .flatMap((c) => [...c.values()])
    .find((o) => o.rows.values().length > 0);
  if (!anyRow || !buildObjective(taskOf(anyRow.rows.values()[0])).sampleBasis) return [];
  for (const [label, byOutcome] of p.byConfig) {
    const ranked = [...byOutcome.values()]
      .filter((o) => o.rows.values().length > 0)
      .sort((a, b) => b.count - a.count);
    for (const o of ranked.slice(0, perOptimizer)) {
      for (const row of o.rows.values()) {
        const sample = buildObjective(taskOf(row)).sampleBasis!(row.final_params!);
        if (sample.d !== d) return [];
        if ([sample.basis, sample.u].every((a) => a.every(Number.isFinite))) {
          out.push({ row, label, sample });
          break;
        }
      }
    }
  }
  return out;
}

/** The stored output_norm_ratio's meaning: ‖u‖/‖f‖ for regression, ‖ℒu‖/‖f‖ (f the forcing) for a PINN. */
export function ratioName(problem: string): string {
  return problem.startsWith('pinn') ? '‖ℒu‖/‖f‖' : '‖u‖/‖f‖';
}

/** Two significant digits, exponent notation outside [0.01, 1000); a dash for a missing value. */
export function short(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-2 || a >= 1e3) ? x.toExponential(1) : x.toPrecision(2);
}

/** A run in prose: "newton λ=1e-2 seed 3 (trivial saddle)"; `label` its configuration's label. */
export function runName(r: RunRow, label = r.optimizer): string {
  return `${label} seed ${r.seed} (${outcome(r)})`;
}

/** A panel title, its lines joined by LINE_BREAK: optimizer and seed, outcome, the paper's two diagnostics. */
export function runTitle(r: RunRow, label = r.optimizer): string {
  return [
    `${label} · seed ${r.seed}`,
    outcome(r),
    `${ratioName(r.problem)} ${short(r.output_norm_ratio)} · orth. ${short(r.orthogonality)}`,
  ].join(LINE_BREAK);
}

const LINE_BREAK = ' | ';

/**
 * Facet header for panels titled by runTitle, one line per part. Headless Vega measures text by an
 * estimate (0.8 × font size per character, no canvas), so a long one-line title is cut or widens
 * the layout; short lines fit.
 */
export function panelHeader(width: number) {
  return { labelExpr: `split(datum.label, '${LINE_BREAK}')`, labelLimit: width, labelFontSize: 11 };
}

/** The maximum of |v| over a strided column (stride 1: the whole array). */
export function maxAbs(v: Float64Array, offset = 0, stride = 1): number {
  let m = 0;
  for (let i = offset; i < v.length; i += stride) m = Math.max(m, Math.abs(v[i]));
  return m;
}
