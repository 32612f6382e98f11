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

/**
 * Aggregate per (problem variant, optimizer variant). Groups come in the order of `order` (task ids
 * in plan order, so columns follow the spec) and otherwise of first appearance.
 */
export function summarize(rows: readonly RunRow[], order?: readonly string[]): GroupSummary[] {
  const groups = new Map<string, RunRow[]>();
  const rank = new Map(order?.map((id, i) => [id, i]));
  const sorted = order
    ? [...rows].sort((a, b) => (rank.get(a.task_id) ?? Infinity) - (rank.get(b.task_id) ?? Infinity))
    : rows;
  for (const r of sorted) {
    const key = JSON.stringify([r.problem, r.problem_params, r.optimizer, r.optimizer_params]);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const converged = g.filter((r) => r.status === 'converged');
    const withTrivial = converged.filter((r) => r.trivial !== null);
    const points: Record<string, number> = {};
    for (const r of converged)
      if (r.stationary_point) points[r.stationary_point] = (points[r.stationary_point] ?? 0) + 1;
    return {
      problem: g[0].problem,
      problem_params: g[0].problem_params,
      optimizer: g[0].optimizer,
      optimizer_params: g[0].optimizer_params,
      runs: g.length,
      status: Object.fromEntries(
        STATUSES.map((s) => [s, wilson(g.filter((r) => r.status === s).length, g.length)]),
      ) as GroupSummary['status'],
      point_class: Object.fromEntries(
        CLASSES.map((c) => [
          c,
          wilson(converged.filter((r) => r.point_class === c).length, converged.length),
        ]),
      ) as GroupSummary['point_class'],
      trivial: withTrivial.length
        ? wilson(withTrivial.filter((r) => r.trivial).length, withTrivial.length)
        : null,
      stationary_points: Object.fromEntries(Object.entries(points).sort()),
    };
  });
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
