import type { ProblemSize } from '../problems/kind.js';
import { type DenseUse, FLOP_RATE, optimizeCost, seconds, trialsCost } from './cost.js';
import { formatPath } from './errors.js';
import { type PlanShape, planShape } from './plan-size.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import type { StudySpec } from './spec-schema.js';

/** The estimate of one (problem, optimizer) pair of a study, at its most costly sweep variant. */
export interface TaskEstimate {
  /** `problem`, `problems[1]` or `trials`. */
  readonly problem: string;
  readonly problemPath: readonly (string | number)[];
  readonly kind: string;
  /** `optimizers[0]` (null for trials). */
  readonly optimizer: string | null;
  readonly optimizerKind: string | null;
  /** Parameters n, and points N of a network problem (null otherwise). */
  readonly n: number;
  readonly N: number | null;
  /** The spec field that sets N (`points`, `grid`). */
  readonly pointsField: string | null;
  /** The swept values at which this estimate is taken (the largest of each swept size). */
  readonly sweptAt: Readonly<Record<string, unknown>>;
  readonly flops: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly dense: readonly DenseUse[];
  /** The peak memory is the final Hessian of `record.spectrum`, not the optimizer's steps. */
  readonly peakIsSpectrum: boolean;
  /** Tasks of the plan this estimate bounds. */
  readonly tasks: number;
}

export interface CostEstimate {
  readonly plan: PlanShape;
  readonly items: readonly TaskEstimate[];
  /** The largest task: flops, bytes, seconds (at FLOP_RATE, one thread). */
  readonly worst: { readonly flops: number; readonly bytes: number; readonly seconds: number };
  /** Thread-seconds of the whole plan, counting every task at its pair's largest variant. */
  readonly totalSeconds: number;
  readonly flopRate: number;
}

const score = (s: ProblemSize) => s.n * s.n + (s.net ? s.net.N * s.net.C * s.n : 0);

/**
 * The most costly variant of a problem under the sweep: the cost grows with every size field
 * (width, depth, points, grid, fourierFeatures) separately, so the largest value of each swept
 * field, taken one field at a time, gives the largest variant without listing the product.
 */
function largestVariant(
  p: ProblemSpec,
  sweep: Readonly<Record<string, readonly unknown[]>>,
): { spec: ProblemSpec; sweptAt: Record<string, unknown> } {
  const kind = problemKind(p.kind);
  const sweptAt: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(sweep)) {
    if (key === 'kind' || !(key in kind.schema.shape)) continue;
    let best: { v: unknown; s: number } | null = null;
    for (const v of values) {
      const r = ProblemSpec.safeParse({ ...p, [key]: v });
      if (!r.success) continue;
      const s = score(kind.size(r.data as never));
      if (best === null || s > best.s) best = { v, s };
    }
    if (best) sweptAt[key] = best.v;
  }
  const r = ProblemSpec.safeParse({ ...p, ...sweptAt });
  return r.success ? { spec: r.data, sweptAt } : { spec: p, sweptAt: {} };
}

function sweepCount(sweep: unknown): number {
  if (sweep === null || typeof sweep !== 'object') return 1;
  let c = 1;
  for (const v of Object.values(sweep)) c *= Array.isArray(v) ? v.length : 1;
  return c;
}

/**
 * Per-task time and memory of a study, from its sizes (n, N, iterations), without expanding it:
 * what `validate` shows and what the bounds (bounds.ts) check.
 */
export function estimateCost(spec: StudySpec): CostEstimate {
  const plan = planShape(spec);
  const items: TaskEstimate[] = [];
  if (spec.trials) {
    const c = trialsCost(spec.trials);
    items.push({
      problem: 'trials',
      problemPath: ['trials'],
      kind: 'hessian-trials',
      optimizer: null,
      optimizerKind: null,
      n: Math.max(...spec.trials.n),
      N: null,
      pointsField: null,
      sweptAt: {},
      flops: c.flops,
      bytes: c.bytes,
      seconds: seconds(c.flops),
      dense: [],
      peakIsSpectrum: false,
      tasks: plan.tasks,
    });
  } else if (plan.kind === 'optimize') {
    const problems = spec.problems ?? (spec.problem ? [spec.problem] : []);
    const perProblem = plan.variants / Math.max(1, problems.length);
    problems.forEach((base, i) => {
      const problemPath = spec.problems ? ['problems', i] : ['problem'];
      const { spec: p, sweptAt } = largestVariant(base, spec.sweep ?? {});
      const size = problemKind(p.kind).size(p as never);
      (spec.optimizers ?? []).forEach((o, j) => {
        const c = optimizeCost(
          o,
          size,
          {
            maxIter: spec.stop.maxIter,
            spectrum: spec.record.spectrum,
            spectrumMethod: spec.record.spectrumMethod,
          },
          ['optimizers', j],
        );
        items.push({
          problem: formatPath(problemPath),
          problemPath,
          kind: p.kind,
          optimizer: formatPath(['optimizers', j]),
          optimizerKind: o.kind,
          n: size.n,
          N: size.net?.N ?? null,
          pointsField: size.net?.pointsField ?? null,
          sweptAt,
          flops: c.flops,
          bytes: c.bytes,
          seconds: seconds(c.flops),
          dense: c.dense,
          peakIsSpectrum: c.peakIsSpectrum ?? false,
          tasks: perProblem * plan.seeds * sweepCount((o as { sweep?: unknown }).sweep),
        });
      });
    });
  }
  const worst = { flops: 0, bytes: 0, seconds: 0 };
  let totalSeconds = 0;
  for (const t of items) {
    worst.flops = Math.max(worst.flops, t.flops);
    worst.bytes = Math.max(worst.bytes, t.bytes);
    worst.seconds = Math.max(worst.seconds, t.seconds);
    totalSeconds += t.tasks * t.seconds;
  }
  return { plan, items, worst, totalSeconds, flopRate: FLOP_RATE };
}
