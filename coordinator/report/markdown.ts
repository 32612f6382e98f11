import { formatProportion } from '../../shared/analysis/intervals.js';
import type { DefinitenessRow } from '../../shared/trials/stats.js';
import type { StudyManifest } from '../out-dir.js';
import type { StudySummary } from '../study-summary.js';
import type { GroupSummary } from '../summary.js';
import type { Figure } from './figure.js';
import { FIT_TOL } from './outcome.js';

const pct = (g: GroupSummary, k: keyof GroupSummary['point_class']) => formatProportion(g.point_class[k]);

/** The citable summary: one table row per (problem, optimizer) with counts and 95% intervals. */
export function markdownSummary(m: StudyManifest, s: StudySummary, figures: readonly Figure[]): string {
  const { rows, groups } = s;
  const lines = [
    `# ${m.name}`,
    '',
    m.spec.description ?? '',
    '',
    `${rows} of ${m.tasks} runs; plan ${m.planHash}; study seed ${m.spec.seed}; saddlescope ${m.versions.saddlescope}, Node ${m.versions.node}.`,
    '',
    ...(groups.length ? optimizerTable(groups) : []),
    ...(s.trials.length ? trialsTable(s.trials) : []),
    '## Figures',
    '',
    ...figures.flatMap((f) => [
      `### ${f.title}`,
      '',
      `![${f.title}](figures/${f.id}.png)`,
      '',
      f.caption,
      '',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

const sci = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(2) : x.toFixed(4));

/** P(definite) per (ensemble, model, n) with its intervals and reference laws. */
function trialsTable(rows: readonly DefinitenessRow[]): string[] {
  return [
    '| ensemble | model | n | trials | definite | P(definite) [95% Wilson] | 95% upper bound | exact | Dean–Majumdar |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.ensemble} | ${r.model} | ${r.n} | ${r.trials} | ${r.definite.count} | ${sci(r.definite.estimate)} [${sci(r.definite.wilson[0])}, ${sci(r.definite.wilson[1])}] | ${sci(r.definite.upper)} | ${r.exact === null ? '—' : sci(r.exact)} | ${r.deanMajumdar === null ? '—' : sci(r.deanMajumdar)} |`,
    ),
    '',
  ];
}

/** One row per (problem, optimizer) with counts and 95% Wilson intervals. */
function optimizerTable(groups: readonly GroupSummary[]): string[] {
  return [
    `Counts with fraction and 95% Wilson interval. Status and fitted fractions are of all runs; point kinds and the trivial solution of converged runs. Fitted: stopped at the iteration cap with |‖u‖/‖f‖ − 1| ≤ ${FIT_TOL}.`,
    '',
    '| problem | optimizer | runs | converged | minimum | saddle | maximum | degenerate | trivial | fitted |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map(
      (g) =>
        `| ${g.problem_label} \`${g.problem_params}\` | ${g.optimizer_label} \`${g.optimizer_params}\` | ${g.runs} | ${formatProportion(g.status.converged)} | ${pct(g, 'minimum')} | ${pct(g, 'saddle')} | ${pct(g, 'maximum')} | ${pct(g, 'degenerate')} | ${g.trivial ? formatProportion(g.trivial) : '—'} | ${formatProportion(g.fitted)} |`,
    ),
    '',
  ];
}
