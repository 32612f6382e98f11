import { wilson } from '../../shared/analysis/intervals.js';
import {
  optimizerKey,
  problemKey,
  problemLabel,
  type ReportContext,
  settings,
  wrapLines,
} from './context.js';
import { configScale, type Figure, HEIGHT, WIDTH } from './figure.js';
import { fractionWithInterval } from './fraction-layers.js';
import { FIT_TOL, OUTCOME_ORDER, outcome } from './outcome.js';
import { getOr } from './sample.js';

/** One bar of the outcome figure: a configuration's runs ending at one outcome, with its interval. */
export interface OutcomeBar {
  readonly optimizer: string;
  readonly outcome: string;
  readonly count: number;
  readonly total: number;
  readonly fraction: number;
  readonly lo: number;
  readonly hi: number;
}

interface ProblemCounts {
  readonly first: { problem: string; problem_params: string };
  /** Per optimizer configuration label: outcome → count. */
  readonly byConfig: Map<string, Map<string, number>>;
  runs: number;
  readonly configs: Set<string>;
}

/**
 * Outcome frequencies with 95% Wilson intervals, one figure per problem variant, one series per
 * optimizer configuration (two `newton` settings are two series), counted in one pass.
 */
export function outcomeFigures(ctx: ReportContext): Figure[] {
  const byProblem = new Map<string, ProblemCounts>();
  for (const r of ctx.runs()) {
    const p = getOr(byProblem, problemKey(r), () => ({
      first: r,
      byConfig: new Map(),
      runs: 0,
      configs: new Set<string>(),
    }));
    p.runs++;
    p.configs.add(optimizerKey(r));
    const c = getOr(p.byConfig, ctx.labels.optimizer(r), () => new Map<string, number>());
    const o = outcome(r);
    c.set(o, (c.get(o) ?? 0) + 1);
  }
  let i = 0;
  return [...byProblem.values()].map((p) => {
    const optimizers = [...p.byConfig.keys()];
    const present = new Set([...p.byConfig.values()].flatMap((c) => [...c.keys()]));
    const outcomes = [
      ...OUTCOME_ORDER.filter((o) => present.has(o)),
      ...[...present].filter((o) => !OUTCOME_ORDER.includes(o as never)),
    ];
    const data: OutcomeBar[] = optimizers.flatMap((opt) => {
      const c = p.byConfig.get(opt)!;
      const total = [...c.values()].reduce((a, b) => a + b, 0);
      return outcomes.map((o) => {
        const w = wilson(c.get(o) ?? 0, total);
        return {
          optimizer: opt,
          outcome: o,
          count: w.count,
          total,
          fraction: w.fraction,
          lo: w.lo,
          hi: w.hi,
        };
      });
    });
    const label = problemLabel(p.first);
    return {
      id: `outcomes-${++i}`,
      title: `Where each optimizer ends: ${label}`,
      caption: `Fraction of runs of each optimizer configuration ending at each kind of point (converged runs, classified by the final Hessian's eigenvalues; "trivial" = ‖u‖/‖f‖ < trivialTol), fitting the target at the iteration cap ("fitted": |‖u‖/‖f‖ − 1| ≤ ${FIT_TOL}), or not converging, with 95% Wilson intervals. ${label}. ${settings(ctx, p.runs, p.configs)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        // The problem's parameters go in a wrapped subtitle: one long line would widen the image.
        title: { text: `Outcomes: ${p.first.problem}`, subtitle: wrapLines(label, 90) },
        width: Math.max(WIDTH, outcomes.length * optimizers.length * 14),
        height: HEIGHT,
        data: { values: data },
        encoding: {
          x: { field: 'outcome', type: 'nominal', sort: outcomes, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'optimizer', sort: optimizers },
          color: {
            field: 'optimizer',
            type: 'nominal',
            title: 'optimizer',
            sort: optimizers,
            scale: configScale(ctx.labels.optimizers.filter((c) => optimizers.includes(c.label))),
          },
          tooltip: [
            { field: 'optimizer' },
            { field: 'outcome' },
            { field: 'count' },
            { field: 'total' },
            { field: 'fraction', format: '.3f' },
          ],
        },
        layer: fractionWithInterval(),
      },
    };
  });
}
