import type { DefinitenessRow } from '../shared/trials/stats.js';
import type { StoredResults } from './sink.js';
import { formatSummary, type GroupSummary, summarize } from './summary.js';
import { formatTrialsSummary, summarizeTrials } from './trials-summary.js';

export interface StudySummary {
  readonly rows: number;
  readonly groups: GroupSummary[];
  readonly trials: DefinitenessRow[];
}

/** The aggregate of an out dir's rows: optimizer groups and/or random-Hessian points. `order`: task ids in plan order. */
export function studySummary(
  stored: Pick<StoredResults, 'runs' | 'trials'>,
  order: readonly string[],
): StudySummary {
  return {
    rows: stored.runs.length + stored.trials.length,
    groups: stored.runs.length ? summarize(stored.runs, order) : [],
    trials: stored.trials.length ? summarizeTrials(stored.trials) : [],
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
