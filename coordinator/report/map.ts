import { type Proportion, wilson } from '../../shared/analysis/intervals.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import type { RunRow } from '../../shared/study/result.js';
import type { ReportContext } from './context.js';
import type { Figure } from './figure.js';
import { matchesTargetNorm } from './outcome.js';

/**
 * The robustness map (issue #17): over the settings a study sweeps (λ × α, λ × width, …), the
 * rate of runs that converge to the trivial solution and the rate that fit the target, with 95% Wilson
 * intervals: a heat map per problem and remaining setting (e.g. bias init), and the same rates
 * against the first setting as lines with interval bands. Counts are made in one pass over the
 * runs, per configuration, so memory grows with the number of configurations, not of runs.
 */

/** Axis preference: the first two numeric settings that vary, in this order, span the map. */
const AXIS_ORDER = ['lambda', 'alpha', 'width', 'lr', 'depth', 'omega', 'fourierSigma', 'fourierFeatures'];
const SYMBOL: Record<string, string> = { lambda: 'λ', alpha: 'α', lr: 'lr', omega: 'ω', fourierSigma: 'σ' };
const LOG_AXES = new Set(['lambda', 'lr', 'fourierSigma']);

/**
 * A run at the trivial solution: converged with ‖u‖/‖f‖ < trivialTol, whatever the final Hessian's
 * class (the paper's saddle, or degenerate where the basis functions saturate to constants and the
 * negative curvature falls below zeroTol; studies/map-table.mjs splits the two).
 */
export const isTrivial = (r: RunRow) => r.status === 'converged' && r.trivial === true;

/**
 * A run that fits (converged or not): the regressed quantity's norm matching the target's (as a
 * fitted run's, outcome.ts) and the loss below 10⁻³ of its value at u = 0 (studies/README.md's
 * definition), since a matching norm alone does not make a fit.
 */
export const isFit = (r: RunRow, lossAtZero: number) =>
  matchesTargetNorm(r.output_norm_ratio) && r.loss < 1e-3 * lossAtZero;

/** Counts of one configuration (problem and optimizer parameters, all seeds). */
export interface MapCounts {
  readonly problem: string;
  readonly optimizer: string;
  /** Every scalar setting: problem parameters, then optimizer parameters (objects as JSON). */
  readonly settings: Record<string, string | number | boolean>;
  runs: number;
  trivial: number;
  fit: number;
  /** Whether any run had a trivial flag (a network problem; errors have none). */
  network: boolean;
}

/**
 * The loss at u = 0 (every parameter zero: the output layer is linear without bias), per problem:
 * mean f² on the problem's points, which no random stream changes.
 */
function zeroLoss(): (r: RunRow) => number {
  const cache = new Map<string, number>();
  return (r) => {
    const key = `${r.problem} ${r.problem_params}`;
    let v = cache.get(key);
    if (v === undefined) {
      const kind = problemKind(r.problem);
      const problem = kind.schema.parse({ kind: r.problem, ...JSON.parse(r.problem_params) });
      const f = kind.create(problem, new Stream('map', 'loss at u = 0'));
      v = f.value(new Float64Array(f.dim));
      cache.set(key, v);
    }
    return v;
  };
}

function scalarSettings(json: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, unknown>))
    out[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
  return out;
}

/** One pass over the runs: counts per configuration. */
export function countConfigurations(runs: Iterable<RunRow>): MapCounts[] {
  const lossAtZero = zeroLoss();
  const byConfig = new Map<string, MapCounts>();
  for (const r of runs) {
    const key = `${r.problem} ${r.problem_params} ${r.optimizer} ${r.optimizer_params}`;
    let c = byConfig.get(key);
    if (!c) {
      const settings = { ...scalarSettings(r.problem_params), ...scalarSettings(r.optimizer_params) };
      c = {
        problem: r.problem,
        optimizer: r.optimizer,
        settings,
        runs: 0,
        trivial: 0,
        fit: 0,
        network: false,
      };
      byConfig.set(key, c);
    }
    c.runs++;
    if (r.trivial !== null) c.network = true;
    if (isTrivial(r)) c.trivial++;
    if (isFit(r, lossAtZero(r))) c.fit++;
  }
  return [...byConfig.values()];
}

/** One point of a map: a configuration's two rates, with the settings that place it. */
export interface MapPoint {
  readonly panel: string;
  readonly metric: 'trivial' | 'fit';
  readonly x: string;
  readonly xv: number;
  readonly y: string;
  readonly yv: number;
  readonly fraction: number;
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly total: number;
  readonly text: string;
}

export interface MapPlan {
  readonly problem: string;
  readonly optimizer: string;
  /** The swept settings spanning the map: x, then y (absent for a one-setting sweep). */
  readonly xKey: string;
  readonly yKey: string | null;
  /** The other varying settings, one panel per combination. */
  readonly panelKeys: readonly string[];
  readonly points: readonly MapPoint[];
  readonly runs: number;
}

const fmt = (v: number) =>
  v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4) ? v.toExponential(0) : String(v);

/**
 * The maps of a study: one per (problem kind, optimizer kind) of a network problem with at least
 * one numeric setting swept.
 */
export function mapPlans(counts: readonly MapCounts[]): MapPlan[] {
  const groups = new Map<string, MapCounts[]>();
  for (const c of counts) {
    const k = `${c.problem} ${c.optimizer}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const plans: MapPlan[] = [];
  for (const group of groups.values()) {
    if (!group.some((c) => c.network)) continue;
    const keys = [...new Set(group.flatMap((c) => Object.keys(c.settings)))];
    const varying = keys.filter((k) => new Set(group.map((c) => String(c.settings[k]))).size > 1);
    const numeric = varying
      .filter((k) => group.every((c) => typeof c.settings[k] === 'number'))
      .sort((a, b) => rank(a) - rank(b));
    if (numeric.length === 0) continue;
    const [xKey, yKey = null] = numeric;
    const panelKeys = varying.filter((k) => k !== xKey && k !== yKey);
    const panelOf = (c: MapCounts) => panelKeys.map((k) => `${k}=${c.settings[k]}`).join(' · ') || c.problem;
    const points = group.flatMap((c) => {
      const xv = c.settings[xKey] as number;
      const yv = yKey ? (c.settings[yKey] as number) : 0;
      const at = { panel: panelOf(c), x: fmt(xv), xv, y: yKey ? fmt(yv) : '', yv };
      const point = (metric: MapPoint['metric'], p: Proportion): MapPoint => ({
        ...at,
        metric,
        fraction: p.fraction,
        lo: p.lo,
        hi: p.hi,
        count: p.count,
        total: p.total,
        text: `${p.count}/${p.total}`,
      });
      return [point('trivial', wilson(c.trivial, c.runs)), point('fit', wilson(c.fit, c.runs))];
    });
    points.sort((a, b) => a.panel.localeCompare(b.panel) || a.xv - b.xv || a.yv - b.yv);
    const runs = group.reduce((s, c) => s + c.runs, 0);
    plans.push({
      problem: group[0].problem,
      optimizer: group[0].optimizer,
      xKey,
      yKey,
      panelKeys,
      points,
      runs,
    });
  }
  return plans;
}

const rank = (k: string) => {
  const i = AXIS_ORDER.indexOf(k);
  return i < 0 ? AXIS_ORDER.length : i;
};
const symbol = (k: string) => SYMBOL[k] ?? k;

export function mapFigures(ctx: ReportContext): Figure[] {
  const stop = ctx.manifest.spec.stop;
  return mapPlans(countConfigurations(ctx.runs())).flatMap((plan, i) => {
    const sweep = plan.yKey ? `${symbol(plan.xKey)} × ${symbol(plan.yKey)}` : symbol(plan.xKey);
    const by = plan.panelKeys.length ? `, one panel per ${plan.panelKeys.join(' × ')}` : '';
    const caption = `Rate of runs that converge to the trivial solution (‖∇L‖ < gradTol with ‖u‖/‖f‖ < trivialTol, a saddle or a degenerate point by the final Hessian) and rate of runs that fit (‖u‖/‖f‖ within 5% of 1 and the loss below 10⁻³ of its value at u = 0, converged or not), with 95% Wilson intervals, over ${sweep}${by}. Study ${ctx.manifest.name} (seed ${ctx.manifest.spec.seed}), ${plan.optimizer} on ${plan.problem}, ${plan.runs} runs; stop at ‖∇L‖ < ${stop.gradTol} or ${stop.maxIter} iterations.`;
    const figures: Figure[] = [];
    if (plan.yKey)
      figures.push({
        id: `map-${i + 1}`,
        title: `Robustness map: ${plan.optimizer} on ${plan.problem}, ${sweep}`,
        caption: `${caption} Each cell: count/runs, shaded by the rate.`,
        spec: heatMap(plan, sweep),
      });
    figures.push({
      id: `map-lines-${i + 1}`,
      title: `Rates against ${symbol(plan.xKey)}: ${plan.optimizer} on ${plan.problem}`,
      caption: `${caption} Lines: the rate at each ${symbol(plan.xKey)}${plan.yKey ? `, one per ${symbol(plan.yKey)}` : ''}; bands: the intervals.`,
      spec: lines(plan),
    });
    return figures;
  });
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function heatMap(plan: MapPlan, sweep: string): Figure['spec'] {
  const xs = [...new Map(plan.points.map((p) => [p.xv, p.x])).entries()].sort((a, b) => a[0] - b[0]);
  const ys = [...new Map(plan.points.map((p) => [p.yv, p.y])).entries()].sort((a, b) => b[0] - a[0]);
  return {
    $schema: SCHEMA,
    title: { text: `${plan.optimizer} on ${plan.problem}: ${sweep}`, subtitle: 'cells: count/runs' },
    ...panels(plan, {
      width: 46 * xs.length,
      height: 30 * ys.length,
      encoding: {
        x: {
          field: 'x',
          type: 'ordinal',
          sort: xs.map((e) => e[1]),
          title: symbol(plan.xKey),
          axis: { labelAngle: 0 },
        },
        y: { field: 'y', type: 'ordinal', sort: ys.map((e) => e[1]), title: symbol(plan.yKey ?? '') },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'fraction',
              type: 'quantitative',
              title: 'rate',
              scale: { domain: [0, 1], scheme: 'viridis' },
            },
            tooltip: [
              { field: 'text', title: 'count/runs' },
              { field: 'lo', format: '.2f' },
              { field: 'hi', format: '.2f' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 9 },
          encoding: {
            text: { field: 'text' },
            color: { condition: { test: 'datum.fraction > 0.55', value: 'black' }, value: 'white' },
          },
        },
      ],
    }),
  } as unknown as Figure['spec'];
}

function lines(plan: MapPlan): Figure['spec'] {
  const log = LOG_AXES.has(plan.xKey) && plan.points.every((p) => p.xv > 0);
  const colour = plan.yKey
    ? {
        color: {
          field: 'y',
          type: 'nominal',
          title: symbol(plan.yKey),
          scale: { scheme: 'category10' },
          sort: [...new Set(plan.points.map((p) => p.y))],
        },
      }
    : {};
  const x = {
    field: 'xv',
    type: 'quantitative',
    title: symbol(plan.xKey),
    scale: log ? { type: 'log' } : { zero: false },
    axis: { values: [...new Set(plan.points.map((p) => p.xv))], format: log ? '.0e' : '~g', labelAngle: 0 },
  };
  return {
    $schema: SCHEMA,
    title: { text: `${plan.optimizer} on ${plan.problem}: rates against ${symbol(plan.xKey)}` },
    ...panels(plan, {
      width: 240,
      height: 140,
      encoding: { x, ...colour },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            y: { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] } },
            y2: { field: 'hi' },
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: {
            y: { field: 'fraction', type: 'quantitative', title: 'rate', scale: { domain: [0, 1] } },
          },
        },
      ],
    }),
  } as unknown as Figure['spec'];
}

/**
 * One row of panels per combination of the other settings (titled with it), the two rates side by
 * side in each: a vconcat of column facets, so each row's title sits above it.
 */
function panels(plan: MapPlan, inner: Record<string, unknown>) {
  const names = [...new Set(plan.points.map((p) => p.panel))];
  return {
    data: { values: plan.points as unknown as Record<string, unknown>[] },
    vconcat: names.map((panel) => ({
      title: { text: panel, anchor: 'start', fontSize: 12 },
      transform: [{ filter: { field: 'panel', equal: panel } }],
      facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['trivial', 'fit'] } },
      spec: inner,
    })),
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
  };
}
