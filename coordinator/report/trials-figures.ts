import type { DefinitenessRow } from '../../shared/trials/stats.js';
import { summarizeTrials } from '../trials-summary.js';
import type { ReportContext } from './context.js';
import { type Figure, HEIGHT, WIDTH } from './figure.js';

/**
 * P(definite) against n with 95% Wilson intervals (and the one-sided upper bound where none was
 * seen), beside the Dean–Majumdar large-deviation law for the GOE and the exact values at n ≤ 2.
 */
export function trialsFigures(ctx: ReportContext): Figure[] {
  if (ctx.trials.length === 0) return [];
  const rows: DefinitenessRow[] = summarizeTrials(ctx.trials);
  const series = (r: DefinitenessRow) => `${r.ensemble} (${r.model})`;
  const points = rows.map((r) => ({
    series: series(r),
    n: r.n,
    p: r.definite.count > 0 ? r.definite.estimate : null,
    lo: r.definite.count > 0 ? r.definite.wilson[0] : null,
    hi: r.definite.count > 0 ? r.definite.wilson[1] : r.definite.upper,
    bound: r.definite.count === 0 ? r.definite.upper : null,
    trials: r.trials,
  }));
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const law = ns.flatMap((n) => [
    { series: 'Dean–Majumdar 2·exp(−(ln 3/4) n²), GOE', n, p: 2 * Math.exp(-(Math.log(3) / 4) * n * n) },
  ]);
  const exact = rows
    .filter((r) => r.exact !== null)
    .map((r) => ({ series: `exact, ${r.ensemble}`, n: r.n, p: r.exact }));
  const total = rows.reduce((s, r) => s + r.trials, 0);
  const y = { type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'P(definite)' };
  return [
    {
      id: 'trials-definite',
      title: 'How often is a random symmetric matrix definite?',
      caption: `P(positive or negative definite) of random symmetric matrices against their size n: points with 95% Wilson intervals; triangles: one-sided 95% Clopper–Pearson upper bounds where no definite matrix was seen; dashed: the Dean–Majumdar law for the GOE (leading order); crosses: exact values (n ≤ 2). ${rows.length} (ensemble, model, n) points, ${total} trials in all. Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}).`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        layer: [
          {
            data: { values: law.filter((d) => d.p > 1e-300) },
            mark: { type: 'line', strokeDash: [6, 4], color: '#555' },
            encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 'p', ...y } },
          },
          {
            data: { values: points.filter((d) => d.p !== null) },
            mark: { type: 'rule' },
            encoding: {
              x: { field: 'n', type: 'quantitative' },
              y: { field: 'lo', ...y },
              y2: { field: 'hi' },
              color: { field: 'series', type: 'nominal' },
            },
          },
          {
            data: { values: points.filter((d) => d.p !== null) },
            mark: { type: 'point', filled: true, size: 50 },
            encoding: {
              x: { field: 'n', type: 'quantitative', title: 'n' },
              y: { field: 'p', ...y },
              color: { field: 'series', type: 'nominal', title: null },
            },
          },
          {
            data: { values: points.filter((d) => d.bound !== null) },
            mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70 },
            encoding: {
              x: { field: 'n', type: 'quantitative' },
              y: { field: 'bound', ...y },
              color: { field: 'series', type: 'nominal' },
            },
          },
          {
            data: { values: exact },
            mark: { type: 'point', shape: 'cross', size: 90, color: 'black' },
            encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 'p', ...y } },
          },
        ],
      },
    },
  ];
}
