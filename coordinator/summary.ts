import { formatProportion, type Proportion, wilson } from '../shared/analysis/intervals.js';
import type { RunRow } from '../shared/study/result.js';

const STATUSES = ['converged', 'max_iter', 'diverged', 'error'] as const;
const CLASSES = ['minimum', 'saddle', 'maximum', 'degenerate'] as const;

export interface GroupSummary {
  readonly problem: string;
  readonly problem_params: string;
  readonly optimizer: string;
  readonly optimizer_params: string;
  readonly runs: number;
  /** Fractions of all runs. */
  readonly status: Record<(typeof STATUSES)[number], Proportion>;
  /** Fractions of converged runs: the kind of stationary point reached. */
  readonly point_class: Record<(typeof CLASSES)[number], Proportion>;
  /** Fraction of converged runs at the trivial solution (null where the problem has no such notion). */
  readonly trivial: Proportion | null;
  /** Converged runs per named stationary point (torus, circle). */
  readonly stationary_points: Record<string, number>;
}

interface Counts {
  first: RunRow;
  runs: number;
  status: Record<string, number>;
  converged: number;
  point_class: Record<string, number>;
  withTrivial: number;
  trivial: number;
  points: Record<string, number>;
}

/**
 * Aggregate per configuration (problem variant × optimizer settings), in one pass with counts
 * only: memory does not grow with the rows. Groups come in the order `rank` gives their rows
 * (plan order of configurations, so columns follow the spec), else of first appearance.
 */
export function summarize(rows: Iterable<RunRow>, rank?: (r: RunRow) => number): GroupSummary[] {
  const groups = new Map<string, Counts>();
  for (const r of rows) {
    const key = r.config ?? JSON.stringify([r.problem, r.problem_params, r.optimizer, r.optimizer_params]);
    let g = groups.get(key);
    if (!g) {
      g = {
        first: r,
        runs: 0,
        status: {},
        converged: 0,
        point_class: {},
        withTrivial: 0,
        trivial: 0,
        points: {},
      };
      groups.set(key, g);
    }
    g.runs++;
    g.status[r.status] = (g.status[r.status] ?? 0) + 1;
    if (r.status !== 'converged') continue;
    g.converged++;
    if (r.point_class) g.point_class[r.point_class] = (g.point_class[r.point_class] ?? 0) + 1;
    if (r.trivial !== null) {
      g.withTrivial++;
      if (r.trivial) g.trivial++;
    }
    if (r.stationary_point) g.points[r.stationary_point] = (g.points[r.stationary_point] ?? 0) + 1;
  }
  const ordered = [...groups.values()];
  if (rank) ordered.sort((a, b) => rank(a.first) - rank(b.first));
  return ordered.map((g) => ({
    problem: g.first.problem,
    problem_params: g.first.problem_params,
    optimizer: g.first.optimizer,
    optimizer_params: g.first.optimizer_params,
    runs: g.runs,
    status: Object.fromEntries(
      STATUSES.map((s) => [s, wilson(g.status[s] ?? 0, g.runs)]),
    ) as GroupSummary['status'],
    point_class: Object.fromEntries(
      CLASSES.map((c) => [c, wilson(g.point_class[c] ?? 0, g.converged)]),
    ) as GroupSummary['point_class'],
    trivial: g.withTrivial ? wilson(g.trivial, g.withTrivial) : null,
    stationary_points: Object.fromEntries(Object.entries(g.points).sort()),
  }));
}

/**
 * Plain-text tables of a summary, for the terminal: one column per (problem, optimizer) group and
 * one line per outcome, so that three optimizers side by side fit an 80–120 column terminal.
 */
export function formatSummary(groups: readonly GroupSummary[]): string {
  const variants = (k: 'problem_params' | 'optimizer_params') => new Set(groups.map((g) => g[k])).size > 1;
  const showP = variants('problem_params');
  const showO = variants('optimizer_params');
  const problems = new Set(groups.map((g) => g.problem + (showP ? g.problem_params : ''))).size;
  const label = (g: GroupSummary) =>
    [
      problems > 1 ? g.problem + (showP ? ` ${g.problem_params}` : '') : '',
      g.optimizer + (showO ? ` ${g.optimizer_params}` : ''),
    ]
      .filter(Boolean)
      .join(' / ');
  const line = (name: string, f: (g: GroupSummary) => string) => [name, ...groups.map(f)];
  const body = [
    line('runs', (g) => String(g.runs)),
    ...STATUSES.map((s) => line(s, (g) => formatProportion(g.status[s]))),
    ...CLASSES.map((c) => line(`  ${c}`, (g) => formatProportion(g.point_class[c]))),
    line('  trivial', (g) => (g.trivial ? formatProportion(g.trivial) : '—')),
  ];
  const names = [...new Set(groups.flatMap((g) => Object.keys(g.stationary_points)))].sort();
  for (const n of names) body.push(line(`  at ${n}`, (g) => String(g.stationary_points[n] ?? 0)));
  const title =
    problems === 1 ? `${groups[0]?.problem ?? ''}${showP ? '' : ` ${groups[0]?.problem_params ?? ''}`}` : '';
  return [
    title,
    table(['', ...groups.map(label)], body),
    'count (fraction [95% Wilson interval]); indented lines are among converged runs',
  ]
    .filter(Boolean)
    .join('\n');
}

function table(head: string[], body: string[][]): string {
  const rows = [head, ...body];
  const widths = head.map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows
    .map((r) =>
      r
        .map((c, j) => c.padEnd(widths[j]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
