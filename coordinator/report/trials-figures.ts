import { semicircleDensity, semicircleRadius } from '../../shared/trials/mod.js';
import type { DefinitenessRow, TrialTotals } from '../../shared/trials/stats.js';
import { summarizeTrials, trialTotals } from '../trials-summary.js';
import type { ReportContext } from './context.js';
import { type Figure, HEIGHT, WIDTH } from './figure.js';

/** Spread of series around an integer n, so that points and intervals at one n do not hide each other. */
const OFFSET = 0.12;

const seriesOf = (r: { ensemble: string; model: string }) => `${r.ensemble} (${r.model})`;

/** A point of the P(definite) figure: one series at one n, drawn at n shifted by its series' offset. */
export interface DefinitePoint {
  readonly series: string;
  readonly n: number;
  readonly x: number;
  readonly p: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly bound: number | null;
  readonly count: number;
  readonly trials: number;
}

export function definitePoints(rows: readonly DefinitenessRow[]): DefinitePoint[] {
  const series = [...new Set(rows.map(seriesOf))];
  const shift = (s: string) => OFFSET * (series.indexOf(s) - (series.length - 1) / 2);
  return rows.map((r) => {
    const seen = r.definite.count > 0;
    return {
      series: seriesOf(r),
      n: r.n,
      x: r.n + shift(seriesOf(r)),
      p: seen ? r.definite.estimate : null,
      lo: seen ? r.definite.wilson[0] : null,
      hi: seen ? r.definite.wilson[1] : null,
      bound: seen ? null : r.definite.upper,
      count: r.definite.count,
      trials: r.trials,
    };
  });
}

/** The figures of a random-Hessian study: P(definite) against n, eigenvalue densities, index distributions. */
export function trialsFigures(ctx: ReportContext): Figure[] {
  const totals = trialTotals(ctx.trials());
  if (totals.length === 0) return [];
  const rows = summarizeTrials(ctx.trials());
  return [definiteFigure(ctx, rows), densityFigure(ctx, totals), indexFigure(ctx, totals)].filter(
    (f): f is Figure => f !== null,
  );
}

/**
 * P(definite) against n with 95% Wilson intervals (and the one-sided upper bound where none was
 * seen), beside the Dean–Majumdar large-deviation law for the GOE and the exact values at n ≤ 2,
 * on a log axis that ends at 1 (the law's leading-order form exceeds 1 at n = 1 and is cut there).
 */
function definiteFigure(ctx: ReportContext, rows: DefinitenessRow[]): Figure {
  const points = definitePoints(rows);
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const law = ns
    .map((n) => ({ n, p: 2 * Math.exp(-(Math.log(3) / 4) * n * n) }))
    .filter((d) => d.p <= 1 && d.p > 1e-300);
  // Each exact value at its own series' place: one cross at n for all would cover the middle series.
  const exact = rows.flatMap((r, i) => (r.exact === null ? [] : [{ x: points[i].x, p: r.exact }]));
  const total = rows.reduce((s, r) => s + r.trials, 0);
  // A Wilson lower end of 0 cannot sit on a log axis: it does not set the bottom.
  const lowest = Math.min(
    ...points.flatMap((d) => [d.lo || 1, d.bound ?? 1, d.p ?? 1]),
    ...law.map((d) => d.p),
  );
  const bottom = Math.floor(Math.log10(Math.max(1e-300, lowest / 2)));
  const step = Math.max(1, Math.ceil(-bottom / 8));
  const decades = Array.from({ length: Math.floor(-bottom / step) + 1 }, (_, i) => 10 ** (-i * step));
  const y = {
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [10 ** bottom, 1], clamp: true },
    title: 'P(definite)',
    axis: { values: decades, format: '.0e' },
  };
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: 'n',
    scale: { domain: [Math.min(...ns) - 0.5, Math.max(...ns) + 0.5], nice: false },
    axis: { values: ns, format: 'd' },
  };
  const colour = { field: 'series', type: 'nominal' as const, title: null };
  return {
    id: 'trials-definite',
    title: 'How often is a random symmetric matrix definite?',
    caption: `P(positive or negative definite) of random symmetric matrices against their size n: points with 95% Wilson intervals; triangles: one-sided 95% Clopper–Pearson upper bounds where no definite matrix was seen; series are shifted sideways around each n so they do not hide each other; dashed: the Dean–Majumdar law 2·exp(−(ln 3/4) n²) for the GOE (leading order, drawn where ≤ 1); black bars: exact values (n ≤ 2), beside each series' estimate. ${rows.length} (ensemble, model, n) points, ${total} trials in all. Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: law.map((d) => ({ ...d, x: d.n })) },
          mark: { type: 'line', strokeDash: [6, 4], color: '#555' },
          encoding: { x, y: { field: 'p', ...y } },
        },
        {
          data: { values: exact },
          mark: { type: 'tick', orient: 'horizontal', size: 22, thickness: 2, color: '#222' },
          encoding: { x, y: { field: 'p', ...y } },
        },
        {
          data: { values: points.filter((d) => d.p !== null) },
          mark: { type: 'rule' },
          encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color: colour },
        },
        {
          data: { values: points.filter((d) => d.p !== null) },
          mark: { type: 'point', filled: true, size: 50 },
          encoding: { x, y: { field: 'p', ...y }, color: colour },
        },
        {
          data: { values: points.filter((d) => d.bound !== null) },
          mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70 },
          encoding: { x, y: { field: 'bound', ...y }, color: colour },
        },
      ],
    } as never,
  };
}

const pointName = (t: TrialTotals) => `${t.ensemble} (${t.model}), n = ${t.n}`;

/**
 * The eigenvalue density of λ/√n (histogram, per unit of λ/√n, of all n·trials eigenvalues) beside
 * Wigner's semicircle, one panel per study point that stored a histogram.
 */
function densityFigure(ctx: ReportContext, totals: readonly TrialTotals[]): Figure | null {
  const withHist = totals.filter((t) => t.eigenvalueHistogram !== null);
  if (withHist.length === 0) return null;
  const bars = withHist.flatMap((t) => {
    const h = t.eigenvalueHistogram!;
    const all = h.counts.reduce((a, b) => a + b, 0) + h.below + h.above;
    return h.counts.map((c, b) => ({
      point: pointName(t),
      x0: h.edges[b],
      x1: h.edges[b + 1],
      count: c,
      density: all > 0 ? c / (all * (h.edges[b + 1] - h.edges[b])) : 0,
    }));
  });
  const curve = withHist.flatMap((t) => {
    const r = semicircleRadius(t.ensemble);
    return Array.from({ length: 121 }, (_, i) => {
      const x = -r + (2 * r * i) / 120;
      return { point: pointName(t), x, density: semicircleDensity(t.ensemble, x) };
    });
  });
  return {
    id: 'trials-density',
    title: 'Eigenvalue density against the semicircle',
    caption: `Histogram of the eigenvalues λ/√n of all trials at each stored point (bars, as a density per unit of λ/√n over all n·trials eigenvalues, including those outside the bins), and Wigner's semicircle law 2√(r² − x²)/(π r²) with r = 2σ (line), which it approaches as n grows. Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      facet: { field: 'point', type: 'nominal', title: null, sort: withHist.map(pointName) },
      columns: 3,
      data: {
        values: [
          ...bars.map((b) => ({ ...b, layer: 'bar' })),
          ...curve.map((c) => ({ ...c, layer: 'curve' })),
        ],
      },
      spec: {
        width: 200,
        height: 140,
        layer: [
          {
            transform: [{ filter: "datum.layer === 'bar'" }],
            mark: { type: 'rect', color: '#9ecae1' },
            encoding: {
              x: { field: 'x0', type: 'quantitative', title: 'λ/√n' },
              x2: { field: 'x1' },
              y: { field: 'density', type: 'quantitative', title: 'density' },
            },
          },
          {
            transform: [{ filter: "datum.layer === 'curve'" }],
            mark: { type: 'line', color: '#d62728' },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'density', type: 'quantitative' },
            },
          },
        ],
      },
    } as never,
  };
}

/** The distribution of the index (number of negative eigenvalues) at each point that counted it. */
function indexFigure(ctx: ReportContext, totals: readonly TrialTotals[]): Figure | null {
  const withIndex = totals.filter((t) => t.indexHistogram !== null && t.indexTrials > 0);
  if (withIndex.length === 0) return null;
  const bars = withIndex.flatMap((t) =>
    t.indexHistogram!.map((c, k) => ({
      point: pointName(t),
      index: k,
      count: c,
      fraction: c / t.indexTrials,
    })),
  );
  return {
    id: 'trials-index',
    title: 'How many negative eigenvalues?',
    caption: `Fraction of trials with k negative eigenvalues (the index), k = 0 … n, at each point that counted it; k = 0 and k = n are the definite matrices. Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: bars },
      facet: { field: 'point', type: 'nominal', title: null, sort: withIndex.map(pointName) },
      columns: 3,
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 200,
        height: 140,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'index', type: 'ordinal', title: 'index k', axis: { labelAngle: 0 } },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of trials' },
        },
      },
    } as never,
  };
}
