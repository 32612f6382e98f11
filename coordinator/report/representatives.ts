import type { BasisSample } from '../../shared/problems/objective.js';
import { buildObjective } from '../../shared/run-task.js';
import type { RunRow } from '../../shared/study/result.js';
import { groupBy, outcome, taskOf } from './context.js';

/** A run a figure draws, with its network sampled at the final parameters on the problem's plot grid. */
export interface SampledRun {
  readonly row: RunRow;
  readonly sample: BasisSample;
}

/**
 * The runs worth drawing for one problem variant: per optimizer (in plan order), the first run in
 * plan order of each distinct outcome, the most frequent outcome first, at most `perOptimizer`.
 * So one panel per optimizer shows its typical end, and more panels show how else it ends.
 * Empty when the problem is not a network whose plot grid has spatial dimension `d`.
 */
export function sampledRepresentatives(
  rows: readonly RunRow[],
  perOptimizer: number,
  d: number,
): SampledRun[] {
  const stored = rows.filter((r): r is RunRow & { final_params: Float64Array } => r.final_params !== null);
  if (stored.length === 0 || !buildObjective(taskOf(stored[0])).sampleBasis) return [];
  const out: SampledRun[] = [];
  for (const mine of groupBy(stored, (r) => r.optimizer).values()) {
    const byOutcome = [...groupBy(mine, outcome).values()].sort((a, b) => b.length - a.length);
    for (const runs of byOutcome.slice(0, perOptimizer)) {
      // A diverged run's last iterate can overflow the network; take the next run of that outcome.
      for (const row of runs) {
        const sample = buildObjective(taskOf(row)).sampleBasis!(row.final_params);
        if (sample.d !== d) return [];
        if ([sample.basis, sample.u].every((a) => a.every(Number.isFinite))) {
          out.push({ row, sample });
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

/** A run in prose: "newton seed 3 (trivial saddle)". */
export function runName(r: RunRow): string {
  return `${r.optimizer} seed ${r.seed} (${outcome(r)})`;
}

/** A panel title, its lines joined by LINE_BREAK: optimizer and seed, outcome, the paper's two diagnostics. */
export function runTitle(r: RunRow): string {
  return [
    `${r.optimizer} · seed ${r.seed}`,
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
