import { formatProportion } from '../../shared/analysis/intervals.js';
import type { StudyManifest } from '../out-dir.js';
import type { GroupSummary } from '../summary.js';
import type { Figure } from './figure.js';

const pct = (g: GroupSummary, k: keyof GroupSummary['point_class']) => formatProportion(g.point_class[k]);

/** The citable summary: one table row per (problem, optimizer) with counts and 95% intervals. */
export function markdownSummary(
  m: StudyManifest,
  rows: number,
  groups: readonly GroupSummary[],
  figures: readonly Figure[],
): string {
  const lines = [
    `# ${m.name}`,
    '',
    m.spec.description ?? '',
    '',
    `${rows} of ${m.tasks} runs; plan ${m.planHash}; study seed ${m.spec.seed}; saddlescope ${m.versions.saddlescope}, Node ${m.versions.node}.`,
    '',
    'Counts with fraction and 95% Wilson interval. Status fractions are of all runs; point kinds and the trivial solution of converged runs.',
    '',
    '| problem | optimizer | runs | converged | minimum | saddle | maximum | degenerate | trivial |',
    '|---|---|---|---|---|---|---|---|---|',
    ...groups.map(
      (g) =>
        `| ${g.problem} \`${g.problem_params}\` | ${g.optimizer} \`${g.optimizer_params}\` | ${g.runs} | ${formatProportion(g.status.converged)} | ${pct(g, 'minimum')} | ${pct(g, 'saddle')} | ${pct(g, 'maximum')} | ${pct(g, 'degenerate')} | ${g.trivial ? formatProportion(g.trivial) : '—'} |`,
    ),
    '',
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
