import { formatProportion, type Proportion, wilson } from '../shared/analysis/intervals.js';
import type { RunRow } from '../shared/study/result.js';
import { labeller, optimizerConfig, problemConfig } from './report/labels.js';
import { FIT_TOL, isFitted } from './report/outcome.js';

const STATUSES = ['converged', 'max_iter', 'diverged', 'error'] as const;
const CLASSES = ['minimum', 'saddle', 'maximum', 'degenerate'] as const;

export interface GroupSummary {
  readonly problem: string;
  readonly problem_params: string;
  readonly optimizer: string;
  readonly optimizer_params: string;
  /** Short names by what differs between the study's configurations (report/labels.ts). */
  readonly problem_label: string;
  readonly optimizer_label: string;
  readonly runs: number;
  /** Fractions of all runs. */
  readonly status: Record<(typeof STATUSES)[number], Proportion>;
  /** Fraction of all runs stopped at the cap that fit the target (report/outcome.ts, isFitted). */
  readonly fitted: Proportion;
  /** Fractions of converged runs: the kind of stationary point reached. */
  readonly point_class: Record<(typeof CLASSES)[number], Proportion>;
  /** Fraction of converged runs at the trivial solution (null where the problem has no such notion). */
  readonly trivial: Proportion | null;
  /** Converged runs per named stationary point (torus, circle). */
  readonly stationary_points: Record<string, number>;
}

/** The stored columns summarize reads (the configuration's parameters are joined to them). */
export const SUMMARY_COLUMNS = [
  'config',
  'problem',
  'optimizer',
  'status',
  'output_norm_ratio',
  'point_class',
  'trivial',
  'stationary_point',
] as const;

/** What summarize reads of a row. */
export type SummaryRow = Pick<
  RunRow,
  (typeof SUMMARY_COLUMNS)[number] | 'problem_params' | 'optimizer_params'
>;

/** The counts one group keeps while rows stream by. */
interface Counts {
  readonly first: SummaryRow;
  runs: number;
  fitted: number;
  readonly status: Record<string, number>;
  readonly cls: Record<string, number>;
  withTrivial: number;
  trivial: number;
  readonly points: Record<string, number>;
}

/**
 * Aggregate per configuration (problem variant × optimizer settings), in one pass with counts
 * only: memory does not grow with the rows. Groups come in the order `rank` gives their rows
 * (plan order of configurations, so columns follow the spec), else of first appearance.
 */
export function summarize(rows: Iterable<SummaryRow>, rank?: (r: SummaryRow) => number): GroupSummary[] {
  const groups = new Map<string, Counts>();
  for (const r of rows) {
    const key = r.config ?? JSON.stringify([r.problem, r.problem_params, r.optimizer, r.optimizer_params]);
    let g = groups.get(key);
    if (!g) {
      g = {
        first: r,
        runs: 0,
        fitted: 0,
        status: {},
        cls: {},
        withTrivial: 0,
        trivial: 0,
        points: {},
      };
      groups.set(key, g);
    }
    g.runs++;
    g.status[r.status] = (g.status[r.status] ?? 0) + 1;
    if (isFitted(r)) g.fitted++;
    if (r.status !== 'converged') continue;
    if (r.point_class) g.cls[r.point_class] = (g.cls[r.point_class] ?? 0) + 1;
    if (r.trivial !== null) {
      g.withTrivial++;
      if (r.trivial) g.trivial++;
    }
    if (r.stationary_point) g.points[r.stationary_point] = (g.points[r.stationary_point] ?? 0) + 1;
  }
  const all = [...groups.values()];
  if (rank) all.sort((a, b) => rank(a.first) - rank(b.first));
  const optLabel = labeller(
    all.map((g) => optimizerConfig(g.first)),
    { kind: 'always' },
  );
  const probLabel = labeller(
    all.map((g) => problemConfig(g.first)),
    { kind: 'if-differs' },
  );
  return all.map((g) => {
    const converged = g.status.converged ?? 0;
    return {
      problem: g.first.problem,
      problem_params: g.first.problem_params,
      optimizer: g.first.optimizer,
      optimizer_params: g.first.optimizer_params,
      problem_label: probLabel(problemConfig(g.first)),
      optimizer_label: optLabel(optimizerConfig(g.first)),
      runs: g.runs,
      status: Object.fromEntries(
        STATUSES.map((s) => [s, wilson(g.status[s] ?? 0, g.runs)]),
      ) as GroupSummary['status'],
      fitted: wilson(g.fitted, g.runs),
      point_class: Object.fromEntries(
        CLASSES.map((c) => [c, wilson(g.cls[c] ?? 0, converged)]),
      ) as GroupSummary['point_class'],
      trivial: g.withTrivial ? wilson(g.trivial, g.withTrivial) : null,
      stationary_points: Object.fromEntries(Object.entries(g.points).sort()),
    };
  });
}

/**
 * Plain-text tables of a summary, for the terminal: one column per (problem, optimizer) group and
 * one line per outcome, headed by the groups' short labels (the full parameters are listed below
 * the table when they are more than the labels say).
 */
export function formatSummary(groups: readonly GroupSummary[]): string {
  const problems = new Set(groups.map((g) => g.problem_label)).size;
  const label = (g: GroupSummary) =>
    problems > 1 ? `${g.problem_label} / ${g.optimizer_label}` : g.optimizer_label;
  const line = (name: string, f: (g: GroupSummary) => string) => [name, ...groups.map(f)];
  const body = [
    line('runs', (g) => String(g.runs)),
    ...STATUSES.flatMap((s) => [
      line(s, (g) => formatProportion(g.status[s])),
      ...(s === 'max_iter' && groups.some((g) => g.fitted.count > 0)
        ? [line('  fitted', (g) => formatProportion(g.fitted))]
        : []),
    ]),
    ...CLASSES.map((c) => line(`  ${c}`, (g) => formatProportion(g.point_class[c]))),
    line('  trivial', (g) => (g.trivial ? formatProportion(g.trivial) : '—')),
  ];
  const names = [...new Set(groups.flatMap((g) => Object.keys(g.stationary_points)))].sort();
  for (const n of names) body.push(line(`  at ${n}`, (g) => String(g.stationary_points[n] ?? 0)));
  const first = groups[0];
  const title = first && problems === 1 ? `${first.problem} ${first.problem_params}` : '';
  // The full settings behind each label; the problem's once in the title when there is one.
  const configs = [
    ...new Map(
      groups.map((g) => [
        label(g),
        `${problems > 1 ? `${g.problem} ${g.problem_params} / ` : ''}${g.optimizer} ${g.optimizer_params}`,
      ]),
    ),
  ];
  return [
    title,
    table(['', ...groups.map(label)], body),
    `count (fraction [95% Wilson interval]); indented lines under converged are among converged runs; fitted: stopped at the cap with |‖u‖/‖f‖ − 1| ≤ ${FIT_TOL}`,
    ...(problems > 1 || groups.length > 1
      ? ['configurations:', ...configs.map(([l, full]) => `  ${l}: ${full}`)]
      : []),
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
