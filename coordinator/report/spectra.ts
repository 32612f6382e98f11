import type { RunRow } from '../../shared/study/result.js';
import { groupBy, problemLabel, type ReportContext, settings } from './context.js';
import { type Figure, HEIGHT, optimizerScale, WIDTH } from './figure.js';

/**
 * Hessian eigenvalues at convergence (paper Fig. 6), pooled over converged runs per optimizer.
 * Eigenvalues span many orders of magnitude around zero, so they are binned on the symmetric-log
 * scale asinh(λ / τ) with τ the median |λ|·10⁻³ of the pool; the x axis is labelled in λ.
 */
export function spectrumFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  for (const rows of groupBy(ctx.runs, (r) => `${r.problem} ${r.problem_params}`).values()) {
    const withEig = rows.filter(
      (r): r is RunRow & { eigenvalues: Float64Array } => r.status === 'converged' && r.eigenvalues !== null,
    );
    if (withEig.length === 0) continue;
    const optimizers = [...new Set(withEig.map((r) => r.optimizer))];
    const values = withEig.flatMap((r) =>
      Array.from(r.eigenvalues, (l) => ({ optimizer: r.optimizer, lambda: l })),
    );
    const zero = withEig.reduce((s, r) => s + (r.n_zero ?? 0), 0);
    const pos = withEig.reduce((s, r) => s + (r.n_positive ?? 0), 0);
    const neg = withEig.reduce((s, r) => s + (r.n_negative ?? 0), 0);
    const label = problemLabel(rows[0]);
    out.push({
      id: `spectrum-${out.length + 1}`,
      title: `Hessian eigenvalues at convergence: ${label}`,
      caption: `Eigenvalues of the exact Hessian at the final point of ${withEig.length} converged runs (${values.length} eigenvalues: ${pos} positive, ${neg} negative, ${zero} zero within zeroTol·max|λ|), on a symmetric log scale. Both signs at one point make it a saddle (paper Fig. 6). ${label}. ${settings(ctx, rows)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        data: { values },
        mark: { type: 'bar', opacity: 0.7 },
        encoding: {
          x: {
            field: 'lambda',
            type: 'quantitative',
            bin: { maxbins: 80 },
            scale: { type: 'symlog' },
            title: 'eigenvalue λ (symlog)',
          },
          y: { aggregate: 'count', type: 'quantitative', title: 'count', stack: null },
          color: { field: 'optimizer', type: 'nominal', scale: optimizerScale(optimizers) },
        },
      },
    });
  }
  return out;
}

/** Median traces over iterations of the diagnostics the paper tracks, per optimizer (paper Figs. 5, 7–10). */
export function traceFigures(ctx: ReportContext): Figure[] {
  if (ctx.history.length === 0) return [];
  const runsById = new Map(ctx.runs.map((r) => [r.task_id, r]));
  const out: Figure[] = [];
  const byProblem = groupBy(ctx.history, (h) => {
    const r = runsById.get(h.task_id as string);
    return r ? `${r.problem} ${r.problem_params}` : '';
  });
  for (const [key, hist] of byProblem) {
    const metrics = [
      'loss',
      'grad_norm',
      'grad_norm_inner',
      'grad_norm_outer',
      'orthogonality',
      'output_norm_ratio',
    ].filter((m) => hist.some((h) => Number.isFinite(h[m] as number)));
    if (!key || metrics.length === 0) continue;
    const rows = ctx.runs.filter((r) => `${r.problem} ${r.problem_params}` === key);
    const optimizers = [...new Set(rows.map((r) => r.optimizer))];
    const long = hist.flatMap((h) => {
      const r = runsById.get(h.task_id as string)!;
      return metrics
        .filter((m) => Number.isFinite(h[m] as number) && (h[m] as number) > 0)
        .map((m) => ({
          optimizer: r.optimizer,
          metric: m,
          iteration: h.iteration as number,
          value: h[m] as number,
        }));
    });
    const label = problemLabel(rows[0]);
    out.push({
      id: `traces-${out.length + 1}`,
      title: `Diagnostics over iterations: ${label}`,
      caption: `Median over runs (line) and interquartile range (band) of each diagnostic at every recorded iteration: loss, ‖∇L‖, inner and outer gradient norms, orthogonality and ‖u‖/‖f‖ where defined (log scale; zeros omitted). ${label}. ${settings(ctx, rows)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        data: { values: long },
        facet: { field: 'metric', type: 'nominal', sort: metrics, title: null },
        columns: 3,
        resolve: { scale: { y: 'independent' } },
        spec: {
          width: 260,
          height: 180,
          encoding: {
            // symlog: Newton's 20 steps and ADAM's thousands both readable on one axis.
            x: { field: 'iteration', type: 'quantitative', scale: { type: 'symlog' } },
            color: { field: 'optimizer', type: 'nominal', scale: optimizerScale(optimizers) },
          },
          layer: [
            {
              mark: { type: 'errorband', extent: 'iqr', opacity: 0.25 },
              encoding: {
                y: {
                  field: 'value',
                  type: 'quantitative',
                  scale: { type: 'log' },
                  title: null,
                  // A log axis over many decades otherwise draws a grid line at every 2…9 × 10ᵏ.
                  axis: { tickCount: 6, grid: true, format: '.0e' },
                },
              },
            },
            {
              mark: { type: 'line' },
              encoding: { y: { aggregate: 'median', field: 'value', type: 'quantitative' } },
            },
          ],
        },
      } as never,
    });
  }
  return out;
}
