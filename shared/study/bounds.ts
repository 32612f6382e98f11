import { formatBytes, formatCount, formatDuration, formatPlan } from './cost-format.js';
import { formatPath } from './errors.js';
import { type CostEstimate, estimateCost, type TaskEstimate } from './estimate.js';
import { Limits } from './limits.js';
import type { StudySpec } from './spec-schema.js';

export interface BoundIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** "optimizers[0] (newton) on problem (pinn-2d: n = 150 parameters, N = 1,000,000 points (from grid), sweep width = 40)". */
function describeTask(t: TaskEstimate, withOptimizer = true): string {
  const sizes = [`n = ${formatCount(t.n)} parameters`];
  if (t.N !== null) sizes.push(`N = ${formatCount(t.N)} points (from ${t.pointsField})`);
  const swept = Object.entries(t.sweptAt).map(([k, v]) => `sweep ${k} = ${JSON.stringify(v)}`);
  const on = t.optimizer && withOptimizer ? `${t.optimizer} (${t.optimizerKind}) on ` : '';
  return `${on}${t.problem} (${t.kind}: ${[...sizes, ...swept].join(', ')})`;
}

function planIssue(spec: StudySpec, e: CostEstimate, limits: Limits): BoundIssue[] {
  const p = e.plan;
  if (p.tasks <= limits.tasks) return [];
  const tail = `more than limits.tasks = ${formatCount(limits.tasks)}`;
  if (p.kind === 'trials')
    return [
      {
        path: ['trials', 'batch'],
        message: `the plan has ${formatPlan(p)} at trials.batch = ${formatCount(spec.trials?.batch ?? 0)}, ${tail}: raise trials.batch, or raise limits.tasks`,
      },
    ];
  const factors: Array<[string, number]> = [
    ['seeds', p.seeds],
    [spec.sweep ? 'sweep' : spec.problems ? 'problems' : 'problem', p.variants],
    ['optimizers', p.optimizers],
  ];
  const [field] = factors.reduce((a, b) => (b[1] > a[1] ? b : a));
  return [
    {
      path: [field],
      message: `the plan has ${formatPlan(p)}, ${tail}: lower ${field}, or raise limits.tasks`,
    },
  ];
}

function taskIssues(t: TaskEstimate, limits: Limits, seen: Set<string>): BoundIssue[] {
  if (t.n > limits.denseParams && t.dense.length > 0) {
    const out: BoundIssue[] = [];
    for (const d of t.dense) {
      // One issue per field and problem: record.spectrum holds for every optimizer of a problem.
      const { path } = d;
      const key = `${formatPath(path)} ${t.problem}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        path,
        message: `${d.what}: ${describeTask(t, d.path[0] !== 'record')} makes it ${formatBytes(8 * t.n * t.n)}; dense matrices are limited to n ≤ ${formatCount(limits.denseParams)} (limits.denseParams): ${d.instead}`,
      });
    }
    return out;
  }
  const path = t.problemPath[0] === 'trials' ? ['trials', 'batch'] : t.problemPath;
  const lower =
    t.problemPath[0] === 'trials'
      ? 'lower trials.batch or trials.n'
      : `lower ${t.pointsField ? `${t.pointsField}, ` : ''}width or depth${t.optimizer ? ' or stop.maxIter' : ''}`;
  if (t.bytes > limits.taskMemoryGB * 1e9) {
    const spectrum = t.peakIsSpectrum ? ' (the final exact Hessian, for record.spectrum)' : '';
    const fixes = `${lower.replace(' or stop.maxIter', '')}${t.peakIsSpectrum ? ', set record.spectrum: false' : ''}`;
    return [
      {
        path,
        message: `one task of ${describeTask(t)} needs about ${formatBytes(t.bytes)} of memory${spectrum}, more than limits.taskMemoryGB = ${limits.taskMemoryGB}: ${fixes}, or raise limits.taskMemoryGB`,
      },
    ];
  }
  if (t.seconds > limits.taskHours * 3600)
    return [
      {
        path,
        message: `one task of ${describeTask(t)} is estimated at ${t.flops.toExponential(1)} flops, about ${formatDuration(t.seconds)} on one thread, more than limits.taskHours = ${limits.taskHours}: ${lower}, or raise limits.taskHours`,
      },
    ];
  return [];
}

/**
 * What of a valid spec exceeds its limits (limits.ts; the spec's own `limits` override the
 * defaults): the plan's size, dense matrices beyond limits.denseParams, and each task's estimated
 * memory and time (estimate.ts). Empty when the study may run.
 */
export function boundIssues(spec: StudySpec): BoundIssue[] {
  const limits = Limits.parse(spec.limits ?? {});
  const e = estimateCost(spec);
  const seen = new Set<string>();
  return [...planIssue(spec, e, limits), ...e.items.flatMap((t) => taskIssues(t, limits, seen))];
}
