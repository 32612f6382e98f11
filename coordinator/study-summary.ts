import type { TrialsRow } from '../shared/study/result.js';
import type { DefinitenessRow } from '../shared/trials/stats.js';
import { formatSummary, type GroupSummary, type SummaryRow, summarize } from './summary.js';
import { formatTrialsSummary, summarizeTrials } from './trials-summary.js';

export interface StudySummary {
  readonly rows: number;
  readonly groups: GroupSummary[];
  readonly trials: DefinitenessRow[];
}

/** The rows a summary reads: streams, each read once. */
export interface SummaryInput {
  readonly runs: Iterable<SummaryRow>;
  readonly trials: Iterable<TrialsRow>;
}

/** The aggregate of an out dir's rows: optimizer groups and/or random-Hessian points. `rank`: plan order of a row's configuration. */
export function studySummary(stored: SummaryInput, rank?: (r: SummaryRow) => number): StudySummary {
  const groups = summarize(stored.runs, rank);
  const trials = [...stored.trials];
  return {
    rows: groups.reduce((n, g) => n + g.runs, 0) + trials.length,
    groups,
    trials: trials.length ? summarizeTrials(trials) : [],
  };
}
export function formatStudySummary(s: StudySummary): string {
  return [
    s.groups.length ? formatSummary(s.groups) : '',
    s.trials.length ? formatTrialsSummary(s.trials) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
