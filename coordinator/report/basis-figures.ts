import type { BasisSample } from '../../shared/problems/objective.js';
import type { RunRow } from '../../shared/study/result.js';
import { problemLabel, type ReportContext, settings } from './context.js';
import type { Figure } from './figure.js';
import { maxAbs, panelHeader, problemRuns, runTitle, sampledRepresentatives } from './representatives.js';

/** Runs drawn per optimizer: its most frequent outcomes, one run each. */
const PER_OPTIMIZER = 3;
const U = 'network u';
const PANEL_WIDTH = 420;
/** The y axis is cut here: a run that blew up has u ≫ f; its ‖u‖/‖f‖ in the title says by how much. */
const Y_LIMIT = 1.5;
/** Tableau 10 without its two reds, which would be taken for u. */
const BASIS_COLOURS = [
  '#4c78a8',
  '#f58518',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#9d755d',
  '#bab0ac',
];

/** One point of one curve of one panel, as the figure's data holds it. */
export interface BasisPoint {
  readonly task_id: string;
  readonly panel: string;
  /** 'basis', the exact curve's name, or 'network u'. */
  readonly kind: string;
  /** φ1 … φw for basis functions, else the kind. */
  readonly curve: string;
  readonly x: number;
  readonly value: number;
}

/**
 * The curves of one run, normalized: φ_k / max|φ_k| (a unit shrunk to 1e−6 at the trivial point is
 * still visible), and the exact curve and u both divided by max|exact|, so that u lies on the
 * exact curve when it fits and on zero at the trivial solution.
 */
function runCurves(row: RunRow, label: string, s: BasisSample, exactName: string): BasisPoint[] {
  const panel = runTitle(row, label);
  const point = (kind: string, curve: string, x: number, value: number) => ({
    task_id: row.task_id,
    panel,
    kind,
    curve,
    x,
    value,
  });
  const M = s.grid.length;
  // Guard: an identically zero function (a dead unit, a zero target) is drawn as zero, not 0/0.
  const exactScale = maxAbs(s.exact) || 1;
  const basisScale = Array.from({ length: s.width }, (_, k) => maxAbs(s.basis, k, s.width) || 1);
  const out: BasisPoint[] = [];
  for (let i = 0; i < M; i++) {
    const x = s.grid[i];
    for (let k = 0; k < s.width; k++)
      out.push(point('basis', `φ${k + 1}`, x, s.basis[i * s.width + k] / basisScale[k]));
    out.push(point(exactName, exactName, x, s.exact[i] / exactScale));
    out.push(point(U, U, x, s.u[i] / exactScale));
  }
  return out;
}

/**
 * Learned basis functions against the target (paper Figs. 5, 7, 8) or the exact solution (Fig. 9)
 * for 1-D network problems: one panel per representative run.
 */
export function basisFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  for (const p of problemRuns(ctx).values()) {
    const shown = sampledRepresentatives(p, PER_OPTIMIZER, 1);
    if (shown.length === 0) continue;
    const pinn = p.first.problem.startsWith('pinn');
    const exactName = pinn ? 'exact solution u*' : 'target f';
    const exactSym = pinn ? 'u*' : 'f';
    const values = shown.flatMap(({ row, label, sample }) => runCurves(row, label, sample, exactName));
    const panels = shown.map(({ row, label }) => runTitle(row, label));
    const width = Math.max(...shown.map(({ sample }) => sample.width));
    const curves = [exactName, U, ...Array.from({ length: width }, (_, k) => `φ${k + 1}`)];
    const label = problemLabel(p.first);
    out.push({
      id: `basis-${out.length + 1}`,
      title: `Learned basis functions against the ${pinn ? 'exact solution' : 'target'}: ${label}`,
      caption: `Basis functions φ_k learned by each optimizer, at the final parameters (thin coloured lines, each divided by its own max|φ_k| on the plot grid, so that basis functions shrunk towards zero at the trivial point stay visible), the ${exactName} (thick black) and the network's u = Σ c_k φ_k (dashed red), both divided by max|${exactSym}|: u lies on the black curve where the network fits and on zero at the trivial solution; the y axis is cut at ±${Y_LIMIT}. Panels: per optimizer configuration, the run of smallest seed of each of its ${PER_OPTIMIZER} most frequent outcomes (${shown.length} of ${p.runs} runs shown). Orth. is the paper's orthogonality metric, the mean over k of |⟨ψ̂_k, f̂⟩| (0: every basis ${pinn ? 'image under the operator' : 'function'} orthogonal to f). ${pinn ? 'For a PINN φ_k = d·h_k with d the boundary factor, and the ratio is ‖ℒu‖/‖f‖ with f the forcing, on the collocation points. ' : ''}Paper ${pinn ? 'Fig. 9' : 'Figs. 5, 7, 8'}. ${label}. ${settings(ctx, p.runs, p.configs)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        data: { values },
        facet: {
          field: 'panel',
          type: 'nominal',
          sort: panels,
          title: null,
          header: panelHeader(PANEL_WIDTH),
        },
        columns: 2,
        spec: {
          width: PANEL_WIDTH,
          height: 220,
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x', scale: { nice: false } },
            y: {
              field: 'value',
              type: 'quantitative',
              title: 'normalized value',
              scale: { domain: [-Y_LIMIT, Y_LIMIT] },
            },
            color: {
              field: 'curve',
              type: 'nominal',
              title: null,
              // One scale for every curve, its legend showing only the two named ones.
              scale: {
                domain: curves,
                range: [
                  'black',
                  '#d62728',
                  ...curves.slice(2).map((_, k) => BASIS_COLOURS[k % BASIS_COLOURS.length]),
                ],
              },
              legend: { values: [exactName, U], orient: 'top' },
            },
          },
          layer: [
            {
              transform: [{ filter: "datum.kind === 'basis'" }],
              mark: { type: 'line', strokeWidth: 1, opacity: 0.8, clip: true },
            },
            {
              transform: [{ filter: `datum.kind === '${exactName}'` }],
              mark: { type: 'line', strokeWidth: 3, clip: true },
            },
            {
              transform: [{ filter: `datum.kind === '${U}'` }],
              mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 4], clip: true },
            },
          ],
        },
      } as never,
    });
  }
  return out;
}
