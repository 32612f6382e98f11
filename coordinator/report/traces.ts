import type { RunRow } from '../../shared/study/result.js';
import {
  type HistoryRow,
  optimizerKey,
  problemKey,
  problemLabel,
  type ReportContext,
  settings,
} from './context.js';
import { configScale, type Figure } from './figure.js';
import { outcome, outcomeScale } from './outcome.js';
import { getOr } from './sample.js';
import { LogSketch } from './sketch.js';

/** Diagnostics the paper tracks, with the words each panel is titled by. */
export const METRICS: Record<string, string> = {
  loss: 'loss L',
  grad_norm: 'gradient norm ‖∇L‖',
  grad_norm_inner: 'inner-layer gradient norm',
  grad_norm_outer: 'output-layer gradient norm',
  orthogonality: 'orthogonality to the target',
  output_norm_ratio: 'output norm ratio ‖u‖/‖f‖',
};

/** Up to this many runs per configuration, each run is drawn; beyond, quantile bands over all runs. */
export const PER_RUN_LIMIT = 30;
/** Iterations drawn at most: every recorded one up to here, then log-spaced points. */
const LINEAR = 60;
const LOG_POINTS = 60;

/** A point of a per-run line: one run's recorded value at one iteration. */
export interface RunPoint {
  readonly run: string;
  readonly optimizer: string;
  readonly outcome: string;
  readonly metric: string;
  readonly iteration: number;
  readonly value: number;
}

/** A point of a band: quantiles over every run of a configuration, stopped runs at their last value. */
export interface BandPoint {
  readonly optimizer: string;
  readonly metric: string;
  readonly iteration: number;
  readonly q10: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q90: number;
  readonly runs: number;
}

/** Runs of one configuration still iterating at an iteration (iterations > it). */
export interface ActivePoint {
  readonly optimizer: string;
  readonly iteration: number;
  readonly active: number;
}

/** The iterations a figure is drawn at: multiples of the stride, all of them up to LINEAR, then log-spaced. */
export function traceGrid(maxIter: number, stride: number): number[] {
  const s = Math.max(1, stride);
  const g = new Set<number>();
  for (let i = 0; i <= maxIter && g.size < LINEAR; i += s) g.add(i);
  const from = Math.max(1, ...g);
  for (let k = 0; k <= LOG_POINTS; k++)
    g.add(Math.min(maxIter, Math.round((from * (maxIter / from) ** (k / LOG_POINTS)) / s) * s));
  g.add(maxIter);
  return [...g].filter((i) => i <= maxIter).sort((a, b) => a - b);
}

/**
 * Each run with its history rows, joined as both stream by: the sink stores a run's history in
 * the order of the runs. A history row whose run comes out of that order falls back to a map.
 */
export function* historyByRun(ctx: ReportContext): Iterable<{ run: RunRow; rows: HistoryRow[] }> {
  const runs = ctx.runs()[Symbol.iterator]();
  let byId: Map<string, RunRow> | null = null;
  let cur: { run: RunRow; rows: HistoryRow[] } | null = null;
  for (const h of ctx.history()) {
    const id = h.task_id as string;
    if (cur && cur.run.task_id === id) {
      cur.rows.push(h);
      continue;
    }
    if (cur) yield cur;
    let run: RunRow | undefined;
    if (!byId)
      for (let n = runs.next(); !n.done; n = runs.next())
        if (n.value.task_id === id) {
          run = n.value;
          break;
        }
    if (!run) {
      byId ??= new Map([...ctx.runs()].map((r) => [r.task_id, r]));
      run = byId.get(id);
    }
    cur = run ? { run, rows: [h] } : null;
  }
  if (cur) yield cur;
}

interface ProblemTraces {
  readonly first: RunRow;
  runs: number;
  maxIter: number;
  readonly configs: Set<string>;
  /** label → iterations → runs. */
  readonly iterations: Map<string, Map<number, number>>;
  readonly metrics: Set<string>;
}

/** One pass over the runs: per problem and configuration, how many runs and how long they ran. */
function scan(ctx: ReportContext): Map<string, ProblemTraces> {
  const out = new Map<string, ProblemTraces>();
  for (const r of ctx.runs()) {
    const p = getOr(out, problemKey(r), () => ({
      first: r,
      runs: 0,
      maxIter: 0,
      configs: new Set<string>(),
      iterations: new Map(),
      metrics: new Set<string>(),
    }));
    p.runs++;
    p.maxIter = Math.max(p.maxIter, r.iterations);
    p.configs.add(optimizerKey(r));
    const m = getOr(p.iterations, ctx.labels.optimizer(r), () => new Map<number, number>());
    m.set(r.iterations, (m.get(r.iterations) ?? 0) + 1);
  }
  return out;
}

/**
 * Diagnostics over iterations (paper Figs. 5, 7–10), one figure per problem variant. Small studies
 * (≤ PER_RUN_LIMIT runs per configuration): every run as a thin line coloured by its outcome, one
 * row of panels per configuration. Larger: per configuration, the median and the 25–75% and
 * 10–90% bands over ALL its runs, a run that stopped counting at its last value from then on
 * (no survivorship: the curve at iteration k is not only over the runs still going), and below
 * them the number of runs still iterating.
 */
export function traceFigures(ctx: ReportContext): Figure[] {
  const problems = scan(ctx);
  const stride = ctx.manifest.spec.record?.historyStride ?? 1;
  const state = new Map<
    string,
    { grid: number[]; perRun: boolean; points: RunPoint[]; sketches: Map<string, LogSketch> }
  >();
  for (const [key, p] of problems) {
    const perRun = [...p.iterations.values()].every(
      (m) => [...m.values()].reduce((a, b) => a + b, 0) <= PER_RUN_LIMIT,
    );
    state.set(key, { grid: traceGrid(p.maxIter, stride), perRun, points: [], sketches: new Map() });
  }
  let any = false;
  for (const { run, rows } of historyByRun(ctx)) {
    const key = problemKey(run);
    const s = state.get(key);
    const p = problems.get(key);
    if (!s || !p) continue;
    any = true;
    const opt = ctx.labels.optimizer(run);
    const o = outcome(run);
    for (const metric of Object.keys(METRICS)) {
      if (!rows.some((h) => Number.isFinite(h[metric] as number))) continue;
      p.metrics.add(metric);
      let k = 0;
      let last = Number.NaN;
      for (const [j, it] of s.grid.entries()) {
        while (k < rows.length && (rows[k].iteration as number) <= it) last = rows[k++][metric] as number;
        if (Number.isNaN(last)) continue;
        const ended = k === rows.length && it > (rows[rows.length - 1].iteration as number);
        if (s.perRun) {
          if (!ended && last > 0)
            s.points.push({
              run: run.task_id.slice(0, 10),
              optimizer: opt,
              outcome: o,
              metric,
              iteration: it,
              value: last,
            });
        } else getOr(s.sketches, `${opt}\0${metric}\0${j}`, () => new LogSketch()).add(last);
      }
    }
  }
  if (!any) return [];
  const out: Figure[] = [];
  for (const [key, p] of problems) {
    const s = state.get(key)!;
    const metrics = Object.keys(METRICS).filter((m) => p.metrics.has(m));
    if (metrics.length === 0) continue;
    out.push(traceFigure(ctx, p, s.grid, s.perRun, s.points, s.sketches, metrics, out.length + 1));
  }
  return out;
}

/** Decades 10^k spanned by the values, thinned to at most 6 ticks. */
function decadeTicks(values: readonly number[]): number[] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of pos) {
    lo = Math.min(lo, Math.floor(Math.log10(v)));
    hi = Math.max(hi, Math.ceil(Math.log10(v)));
  }
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 6));
  const out: number[] = [];
  for (let k = hi; k >= lo; k -= step) out.push(10 ** k);
  return out.reverse();
}

function traceFigure(
  ctx: ReportContext,
  p: ProblemTraces,
  grid: number[],
  perRun: boolean,
  points: RunPoint[],
  sketches: Map<string, LogSketch>,
  metrics: string[],
  id: number,
): Figure {
  const configs = ctx.labels.optimizers.filter((c) => p.iterations.has(c.label));
  const logX = p.maxIter > 100;
  // A log axis has no 0: iteration 0 (the start) is left out of it.
  const xs = (it: number) => !logX || it > 0;
  const x = {
    field: 'iteration',
    type: 'quantitative' as const,
    title: 'iteration',
    scale: logX ? { type: 'log' as const, domain: [1, Math.max(2, p.maxIter)] } : { domain: [0, p.maxIter] },
    axis: logX
      ? { values: decadeTicks(grid.filter((g) => g > 0)), format: '~s' }
      : { tickMinStep: 1, format: 'd' },
  };
  const y = (values: number[]) => ({
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    title: null,
    axis: { values: decadeTicks(values), format: '.0e', grid: true },
  });
  const active: ActivePoint[] = configs.flatMap((c) => {
    const m = p.iterations.get(c.label)!;
    return grid.filter(xs).map((it) => ({
      optimizer: c.label,
      iteration: it,
      active: [...m].reduce((a, [n, runs]) => a + (n > it ? runs : 0), 0),
    }));
  });
  const bands: BandPoint[] = perRun
    ? []
    : configs.flatMap((c) =>
        metrics.flatMap((metric) =>
          grid.flatMap((it, j) => {
            const sk = sketches.get(`${c.label}\0${metric}\0${j}`);
            if (!sk || !xs(it)) return [];
            return [
              {
                optimizer: c.label,
                metric,
                iteration: it,
                q10: sk.quantile(0.1),
                q25: sk.quantile(0.25),
                median: sk.quantile(0.5),
                q75: sk.quantile(0.75),
                q90: sk.quantile(0.9),
                runs: sk.total,
              },
            ];
          }),
        ),
      );
  const colour = {
    field: 'optimizer',
    type: 'nominal' as const,
    title: 'optimizer',
    scale: configScale(configs),
  };
  const panel = (metric: string, config?: string) => {
    if (perRun) {
      const mine = points.filter((q) => q.metric === metric && q.optimizer === config && xs(q.iteration));
      return {
        width: 180,
        height: 120,
        title: { text: METRICS[metric], subtitle: config, fontSize: 11 },
        data: { values: mine },
        mark: { type: 'line' as const, strokeWidth: 0.8, opacity: 0.7, clip: true },
        encoding: {
          x,
          y: { field: 'value', ...y(mine.map((q) => q.value)) },
          color: {
            field: 'outcome',
            type: 'nominal' as const,
            title: 'outcome',
            scale: outcomeScale(points.map((q) => q.outcome)),
          },
          detail: { field: 'run', type: 'nominal' as const },
        },
      };
    }
    const mine = bands.filter((b) => b.metric === metric && b.median > 0);
    const yy = y(mine.flatMap((b) => [b.q10, b.q90, b.median]));
    return {
      width: 220,
      height: 150,
      title: METRICS[metric],
      data: { values: mine },
      encoding: { x, color: colour },
      layer: [
        {
          mark: { type: 'area' as const, opacity: 0.12, clip: true },
          encoding: { y: { field: 'q10', ...yy }, y2: { field: 'q90' } },
        },
        {
          mark: { type: 'area' as const, opacity: 0.25, clip: true },
          encoding: { y: { field: 'q25', ...yy }, y2: { field: 'q75' } },
        },
        {
          mark: { type: 'line' as const, strokeWidth: 1.5, clip: true },
          encoding: { y: { field: 'median', ...yy } },
        },
      ],
    };
  };
  const activePanel = (config?: string) => ({
    width: perRun ? 180 : 220,
    height: perRun ? 120 : 150,
    title: { text: 'runs still iterating', subtitle: config ?? '', fontSize: 11 },
    data: { values: active.filter((a) => config === undefined || a.optimizer === config) },
    mark: { type: 'line' as const, interpolate: 'step-after' as const },
    encoding: {
      x,
      y: {
        field: 'active',
        type: 'quantitative' as const,
        title: null,
        axis: { tickMinStep: 1, format: 'd' },
      },
      color: perRun ? { value: 'black' } : colour,
    },
  });
  const panels = perRun
    ? configs.flatMap((c) => [...metrics.map((m) => panel(m, c.label)), activePanel(c.label)])
    : [...metrics.map((m) => panel(m)), activePanel()];
  const label = problemLabel(p.first);
  const how = perRun
    ? `Every run as a thin line, coloured by its outcome, ending where the run stopped; one row of panels per optimizer configuration`
    : `Per optimizer configuration, the median (line), 25–75% and 10–90% bands over all its runs at each iteration, a run that has stopped counting at its last recorded value (so the bands are not over the survivors only; quantiles from a log-binned sketch, within 6%)`;
  return {
    id: `traces-${id}`,
    title: `Diagnostics over iterations: ${label}`,
    caption: `${how}; the last panel of a row counts the runs still iterating. Log scale (values ≤ 0 are not drawn)${logX ? '; iteration on a log axis, the start (iteration 0) left out' : ''}. ${label}. ${settings(ctx, p.runs, p.configs)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      concat: panels,
      columns: perRun ? metrics.length + 1 : 3,
      resolve: { scale: { color: 'shared' } },
    } as never,
  };
}
