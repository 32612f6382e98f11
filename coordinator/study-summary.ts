import type { RunRow, TrialsRow } from '../shared/study/result.js';
import type { DefinitenessRow } from '../shared/trials/stats.js';
import { formatSummary, type GroupSummary, summarize } from './summary.js';
import { formatTrialsSummary, summarizeTrials } from './trials-summary.js';

export interface StudySummary {
  readonly rows: number;
  readonly groups: GroupSummary[];
  readonly trials: DefinitenessRow[];
}

/** Where a summary reads rows from: re-iterable streams (an out dir's tables, a sink's rows). */
export interface RowSource {
  runs(): Iterable<RunRow>;
  trials(): Iterable<TrialsRow>;
}

/** A row source over arrays in memory (what loadResults and a sink hold today). */
export const arraySource = (s: { runs: readonly RunRow[]; trials: readonly TrialsRow[] }): RowSource => ({
  runs: () => s.runs,
  trials: () => s.trials,
});

function* counted<T>(xs: Iterable<T>, n: { rows: number }): Iterable<T> {
  for (const x of xs) {
    n.rows++;
    yield x;
  }
}

/** The aggregate of an out dir's rows: optimizer groups and/or random-Hessian points. `order`: task ids in plan order. */
export function studySummary(source: RowSource, order: readonly string[]): StudySummary {
  const n = { rows: 0 };
  const groups = summarize(counted(source.runs(), n), order);
  const trials = summarizeTrials(counted(source.trials(), n));
  return { rows: n.rows, groups, trials };
}

export function formatStudySummary(s: StudySummary): string {
  return [
    s.groups.length ? formatSummary(s.groups) : '',
    s.trials.length ? formatTrialsSummary(s.trials) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
