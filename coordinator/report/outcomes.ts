import { wilson } from '../../shared/analysis/intervals.js';
import { groupBy, outcome, problemLabel, type ReportContext, settings, wrapLines } from './context.js';
import { type Figure, HEIGHT, optimizerScale, WIDTH } from './figure.js';

const ORDER = [
  'minimum',
  'trivial saddle',
  'saddle',
  'maximum',
  'degenerate',
  'trivial degenerate',
  'max_iter',
  'diverged',
  'error',
];

/** Outcome frequencies with 95% Wilson intervals, one figure per problem variant, optimizers side by side. */
export function outcomeFigures(ctx: ReportContext): Figure[] {
  const byProblem = groupBy(ctx.runs, (r) => `${r.problem} ${r.problem_params}`);
  let i = 0;
  return [...byProblem.values()].map((rows) => {
    const optimizers = [...new Set(rows.map((r) => r.optimizer))];
    const outcomes = ORDER.filter((o) => rows.some((r) => outcome(r) === o));
    const data = optimizers.flatMap((opt) => {
      const mine = rows.filter((r) => r.optimizer === opt);
      return outcomes.map((o) => {
        const p = wilson(mine.filter((r) => outcome(r) === o).length, mine.length);
        return {
          optimizer: opt,
          outcome: o,
          fraction: p.fraction,
          lo: p.lo,
          hi: p.hi,
          count: p.count,
          total: p.total,
        };
      });
    });
    const label = problemLabel(rows[0]);
    return {
      id: `outcomes-${++i}`,
      title: `Where each optimizer ends: ${label}`,
      caption: `Fraction of runs ending at each kind of point (converged runs, classified by the final Hessian's eigenvalues; "trivial" = ‖u‖/‖f‖ < trivialTol) or not converging, with 95% Wilson intervals. ${label}. ${settings(ctx, rows)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        // The problem's parameters go in a wrapped subtitle: one long line would widen the image.
        title: { text: `Outcomes: ${rows[0].problem}`, subtitle: wrapLines(label, 90) },
        width: WIDTH,
        height: HEIGHT,
        data: { values: data },
        encoding: {
          x: { field: 'outcome', type: 'nominal', sort: outcomes, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'optimizer', sort: optimizers },
          color: { field: 'optimizer', type: 'nominal', scale: optimizerScale(optimizers), sort: optimizers },
        },
        layer: [
          {
            mark: 'bar',
            encoding: {
              y: {
                field: 'fraction',
                type: 'quantitative',
                title: 'fraction of runs',
                scale: { domain: [0, 1] },
              },
            },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: {
              y: { field: 'lo', type: 'quantitative' },
              y2: { field: 'hi' },
              color: { value: 'black' },
            },
          },
        ],
      },
    };
  });
}
