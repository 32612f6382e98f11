import type { BasisSample } from '../../shared/problems/objective.js';
import { problemLabel, type ReportContext, settings } from './context.js';
import type { Figure } from './figure.js';
import {
  maxAbs,
  type ProblemRuns,
  panelHeader,
  problemRuns,
  ratioName,
  runName,
  runTitle,
  type SampledRun,
  sampledRepresentatives,
  short,
} from './representatives.js';

const PANEL = 280;
/** How many basis functions the basis map draws (paper Fig. 11 shows a few). */
const BASIS_SHOWN = 6;
const EXACT = 'exact solution u*';

/** One cell of one heatmap panel: the value at plot point (x, y), drawn as the rectangle around it. */
export interface MapCell {
  readonly task_id: string;
  readonly panel: string;
  readonly x: number;
  readonly y: number;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly value: number;
}

/** Spacing of a tensor plot grid along each axis: the gap between its two smallest distinct coordinates. */
function spacing(grid: Float64Array, axis: number): number {
  const c = [...new Set(Array.from({ length: grid.length / 2 }, (_, i) => grid[2 * i + axis]))].sort(
    (a, b) => a - b,
  );
  // Guard: a grid of one point per axis has no spacing; draw it as a unit cell.
  return c.length > 1 ? c[1] - c[0] : 1;
}

/** The cells of one panel: value(i) at every plot point of the sample's grid. */
function cells(s: BasisSample, task_id: string, panel: string, value: (i: number) => number): MapCell[] {
  const hx = spacing(s.grid, 0) / 2;
  const hy = spacing(s.grid, 1) / 2;
  return Array.from({ length: s.grid.length / 2 }, (_, i) => {
    const x = s.grid[2 * i];
    const y = s.grid[2 * i + 1];
    return { task_id, panel, x, y, x0: x - hx, x1: x + hx, y0: y - hy, y1: y + hy, value: value(i) };
  });
}

/**
 * Heatmap panels side by side with one shared colour scale, diverging around zero and symmetric,
 * so that u ≈ 0 at the trivial solution is the neutral colour whatever its sign.
 */
function heatmaps(values: MapCell[], panels: string[], colourTitle: string, columns: number) {
  // Guard: all-zero panels get a unit domain, not [0, 0].
  const m = values.reduce((a, c) => Math.max(a, Math.abs(c.value)), 0) || 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: panelHeader(PANEL) },
    columns,
    spec: {
      width: PANEL,
      height: PANEL,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'x', scale: { nice: false, zero: false } },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', title: 'y', scale: { nice: false, zero: false } },
        y2: { field: 'y1' },
        color: {
          field: 'value',
          type: 'quantitative',
          title: colourTitle,
          scale: { scheme: 'blueorange', domain: [-m, m] },
        },
      },
    },
  } as never;
}

/** ‖u‖ / ‖u*‖ on the plot grid: what the map shows, beside the stored ratio on the collocation points. */
function plotRatio(s: BasisSample): number {
  let uu = 0;
  let ee = 0;
  for (let i = 0; i < s.u.length; i++) {
    uu += s.u[i] * s.u[i];
    ee += s.exact[i] * s.exact[i];
  }
  return ee > 0 ? Math.sqrt(uu / ee) : Number.NaN;
}

/** The solution u of each optimizer's representative run beside the exact solution (paper Fig. 11). */
function solutionMap(ctx: ReportContext, p: ProblemRuns, shown: SampledRun[], id: number): Figure {
  const first = shown[0];
  const values = [
    ...cells(first.sample, '', EXACT, (i) => first.sample.exact[i]),
    ...shown.flatMap(({ row, label, sample }) =>
      cells(sample, row.task_id, runTitle(row, label), (i) => sample.u[i]),
    ),
  ];
  const panels = [EXACT, ...shown.map(({ row, label }) => runTitle(row, label))];
  const ratios = shown
    .map(
      ({ row, label, sample }) =>
        `${runName(row, label)}: ${ratioName(row.problem)} = ${short(row.output_norm_ratio)}, ‖u‖/‖u*‖ on the plot grid = ${short(plotRatio(sample))}`,
    )
    .join('; ');
  const label = problemLabel(p.first);
  return {
    id: `solution-map-${id}`,
    title: `Solutions against the exact solution: ${label}`,
    caption: `The network's solution u = Σ c_k φ_k at the final parameters on the ${Math.sqrt(first.sample.grid.length / 2)}² plot grid, for the run of smallest seed of each optimizer configuration's most frequent outcome, beside the exact solution u*, on one shared colour scale (paper Fig. 11). ${ratios}. ${shown.length} of ${p.runs} runs shown. ${label}. ${settings(ctx, p.runs, p.configs)}`,
    // At most four maps a row: with every optimizer the row would be 4,000 px wide.
    spec: heatmaps(values, panels, 'u', Math.min(panels.length, 4)),
  };
}

/**
 * The first basis functions of the first run that ended at the trivial solution (else of the first
 * run shown), each divided by its max|φ_k| so that shrunk functions keep their shape (Fig. 11).
 */
function basisMap(ctx: ReportContext, p: ProblemRuns, shown: SampledRun[], id: number): Figure {
  const { row, label: config, sample } = shown.find((s) => s.row.trivial) ?? shown[0];
  const w = sample.width;
  const k = Math.min(BASIS_SHOWN, w);
  const panels = Array.from({ length: k }, (_, j) => `φ${j + 1} / max|φ${j + 1}|`);
  const values = panels.flatMap((panel, j) => {
    // Guard: an identically zero basis function is drawn as zero, not 0/0.
    const scale = maxAbs(sample.basis, j, w) || 1;
    return cells(sample, row.task_id, panel, (i) => sample.basis[i * w + j] / scale);
  });
  const label = problemLabel(p.first);
  return {
    id: `basis-map-${id}`,
    title: `Basis functions learned by ${config}: ${label}`,
    caption: `The first ${k} of ${w} basis functions φ_k = d·h_k (d the boundary factor) of ${runName(row, config)}, each divided by its own max|φ_k| on the plot grid so that basis functions shrunk towards zero at the trivial point keep their shape; the run is the first shown that ended at the trivial solution, if any. At a trivial saddle their images under the operator are orthogonal to the forcing (paper Fig. 11). ${label}. ${settings(ctx, p.runs, p.configs)}`,
    spec: heatmaps(values, panels, 'φ_k / max|φ_k|', 3),
  };
}

/** PINN-2D figures: solution maps against the exact solution, and one run's basis functions. */
export function solutionMapFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  let id = 0;
  for (const p of problemRuns(ctx).values()) {
    const shown = sampledRepresentatives(p, 1, 2);
    if (shown.length === 0) continue;
    id++;
    out.push(solutionMap(ctx, p, shown, id), basisMap(ctx, p, shown, id));
  }
  return out;
}
