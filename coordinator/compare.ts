import { basename, resolve } from 'node:path';
import { type ProportionDifference, proportionDifference } from '../shared/analysis/difference.js';
import { formatProportion, type Proportion, wilson } from '../shared/analysis/intervals.js';
import type { RunRow } from '../shared/study/result.js';
import { readManifest } from './out-dir.js';
import { configKey, labeller, optimizerConfig, problemConfig } from './report/labels.js';
import { OUTCOME_ORDER, outcome } from './report/outcome.js';
import { StoredResults } from './store/read.js';

/** One (problem variant × optimizer configuration) key, its outcome counts in each study. */
export interface CompareRow {
  readonly problem: string;
  readonly problem_params: string;
  readonly optimizer: string;
  readonly optimizer_params: string;
  readonly label: string;
  /** Per study (in the order given): runs, and outcome → proportion of its runs; null if absent. */
  readonly studies: ReadonlyArray<{
    readonly runs: number;
    readonly outcomes: Record<string, Proportion>;
  } | null>;
  /** Per outcome, per later study: its difference from the first study. */
  readonly differences: Record<string, ReadonlyArray<ProportionDifference | null>>;
}

export interface Comparison {
  readonly studies: ReadonlyArray<{
    readonly dir: string;
    readonly name: string;
    readonly label: string;
    readonly runs: number;
  }>;
  readonly outcomes: readonly string[];
  readonly rows: readonly CompareRow[];
}

/** Counts per key and outcome, in one pass over each study's runs. */
function countRuns(runs: Iterable<RunRow>) {
  const keys = new Map<string, { first: RunRow; runs: number; outcomes: Map<string, number> }>();
  let total = 0;
  for (const r of runs) {
    total++;
    const k = JSON.stringify([r.problem, r.problem_params, r.optimizer, r.optimizer_params]);
    const g = keys.get(k) ?? { first: r, runs: 0, outcomes: new Map<string, number>() };
    keys.set(k, g);
    g.runs++;
    const o = outcome(r);
    g.outcomes.set(o, (g.outcomes.get(o) ?? 0) + 1);
  }
  return { keys, total };
}

/**
 * The outcome tables of several out dirs side by side, on the same problem × optimizer keys (a
 * key missing in a study is shown empty), each later study against the first: the difference of
 * proportions with Newcombe's interval and a two-proportion z test.
 */
export function compareStudies(dirs: readonly string[]): Comparison {
  const counted = dirs.map((dir) => ({
    dir,
    manifest: readManifest(dir),
    ...countRuns(new StoredResults(dir).runs()),
  }));
  const names = counted.map((c) => c.manifest.name);
  const distinct = new Set(names).size === names.length;
  const studies = counted.map((c, i) => ({
    dir: c.dir,
    name: c.manifest.name,
    label: distinct ? c.manifest.name : `${basename(resolve(c.dir))} (${String.fromCharCode(65 + i)})`,
    runs: c.total,
  }));
  const keys = new Map<string, RunRow>();
  for (const c of counted) for (const [k, g] of c.keys) if (!keys.has(k)) keys.set(k, g.first);
  const firsts = [...keys.values()];
  const opt = labeller(firsts.map(optimizerConfig), { kind: 'always' });
  const prob = labeller(firsts.map(problemConfig), { kind: 'if-differs' });
  const problems = new Set(firsts.map((r) => configKey(problemConfig(r)))).size;
  const present = new Set(
    counted.flatMap((c) => [...c.keys.values()].flatMap((g) => [...g.outcomes.keys()])),
  );
  const outcomes = [
    ...OUTCOME_ORDER.filter((o) => present.has(o)),
    ...[...present].filter((o) => !OUTCOME_ORDER.includes(o as never)).sort(),
  ];
  const rows = [...keys].map(([k, r]) => {
    const per = counted.map((c) => {
      const g = c.keys.get(k);
      if (!g) return null;
      return {
        runs: g.runs,
        outcomes: Object.fromEntries(outcomes.map((o) => [o, wilson(g.outcomes.get(o) ?? 0, g.runs)])),
      };
    });
    const differences = Object.fromEntries(
      outcomes.map((o) => [
        o,
        per.slice(1).map((s) => {
          const a = per[0];
          return a && s
            ? proportionDifference(a.outcomes[o].count, a.runs, s.outcomes[o].count, s.runs)
            : null;
        }),
      ]),
    );
    const label =
      problems > 1 ? `${prob(problemConfig(r))} / ${opt(optimizerConfig(r))}` : opt(optimizerConfig(r));
    return {
      problem: r.problem,
      problem_params: r.problem_params,
      optimizer: r.optimizer,
      optimizer_params: r.optimizer_params,
      label,
      studies: per,
      differences,
    };
  });
  return { studies, outcomes, rows };
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
const pValue = (p: number) => (Number.isNaN(p) ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** Plain-text tables: per key, one line per outcome, a column per study, then the differences. */
export function formatComparison(c: Comparison): string {
  const out: string[] = [
    `studies: ${c.studies.map((s, i) => `${String.fromCharCode(65 + i)} = ${s.label} (${s.dir}, ${s.runs} runs)`).join('; ')}`,
  ];
  for (const row of c.rows) {
    const head = [
      row.label,
      ...c.studies.map((_, i) => `${String.fromCharCode(65 + i)} (n=${row.studies[i]?.runs ?? 0})`),
      ...c.studies.slice(1).map((_, j) => `${String.fromCharCode(66 + j)} − A [95% Newcombe]  p`),
    ];
    const body = c.outcomes.map((o) => [
      `  ${o}`,
      ...row.studies.map((s) => (s ? formatProportion(s.outcomes[o]) : '—')),
      ...row.differences[o].map((d) =>
        d ? `${signed(d.difference)} [${signed(d.lo)}, ${signed(d.hi)}]  ${pValue(d.p)}` : '—',
      ),
    ]);
    const all = [head, ...body];
    const widths = head.map((_, j) => Math.max(...all.map((l) => l[j].length)));
    out.push(
      '',
      ...all.map((l) =>
        l
          .map((x, j) => x.padEnd(widths[j]))
          .join('  ')
          .trimEnd(),
      ),
    );
  }
  out.push(
    '',
    'count (fraction [95% Wilson]) of each study’s runs; B − A: difference of fractions with Newcombe’s hybrid score interval; p: two-sided two-proportion z test (pooled)',
  );
  return out.join('\n');
}
