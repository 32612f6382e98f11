import type { CostEstimate } from './estimate.js';
import type { PlanShape } from './plan-size.js';

/** Numbers of the cost estimates and bounds as people read them. */
export const formatCount = (x: number) =>
  x >= 1e15 ? x.toExponential(2) : Math.round(x).toLocaleString('en-US');

export function formatBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) {
    b /= 1000;
    i++;
  }
  return `${b >= 100 || i === 0 ? Math.round(b) : b.toPrecision(2)} ${units[i]}`;
}

export function formatDuration(s: number): string {
  if (s < 1) return `${(s * 1000).toPrecision(2)} ms`;
  if (s < 120) return `${s.toPrecision(2)} s`;
  if (s < 7200) return `${(s / 60).toPrecision(2)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toPrecision(2)} h`;
  return `${(s / 86400).toPrecision(2)} days`;
}

/** "3 seeds", "1 seed". */
export const plural = (x: number, what: string) => `${formatCount(x)} ${what}${x === 1 ? '' : 's'}`;

/** "40 tasks (4 problem variants × 10 seeds × 1 optimizer)". */
export function formatPlan(p: PlanShape): string {
  return p.kind === 'trials'
    ? `${plural(p.tasks, 'task')} (${plural(p.points, 'point')} × ${formatCount(p.batches)} batch${p.batches === 1 ? '' : 'es'})`
    : `${plural(p.tasks, 'task')} (${plural(p.variants, 'problem variant')} × ${plural(p.seeds, 'seed')} × ${plural(p.optimizers, 'optimizer')})`;
}

/**
 * What `validate` shows of an estimate: the plan, one line per (problem, optimizer) at its largest
 * sweep variant, and the whole plan's thread time (every task at its pair's largest variant).
 */
export function formatCostEstimate(e: CostEstimate): string[] {
  const lines = [`plan: ${formatPlan(e.plan)}`];
  for (const t of e.items) {
    const sizes = [`n = ${formatCount(t.n)}`, ...(t.N === null ? [] : [`N = ${formatCount(t.N)}`])];
    const swept = Object.entries(t.sweptAt).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
    const what = t.optimizer ? `${t.problem} × ${t.optimizer} (${t.optimizerKind})` : t.problem;
    lines.push(
      `${what} [${[...sizes, ...swept].join(', ')}]: per task ≈ ${formatDuration(t.seconds)}, ≈ ${formatBytes(t.bytes)}`,
    );
  }
  lines.push(
    `total: at most ≈ ${formatDuration(e.totalSeconds)} of one thread (estimated at ${e.flopRate.toExponential(0)} flops/s)`,
  );
  return lines;
}
