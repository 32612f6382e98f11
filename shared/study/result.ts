import type { ColumnsOf, RowOf } from './columns.js';
import type { HISTORY_COLUMNS, RUN_COLUMNS } from './runs-columns.js';
import type { TRIAL_COLUMNS } from './trials-columns.js';

/**
 * One row of the `runs` table (shared/study/runs-columns.ts, README.md). Field names are the column
 * names. Nullable fields are null where the quantity was not computed or has no meaning for the problem.
 */
export type RunRow = RowOf<typeof RUN_COLUMNS>;

/** Per-iteration trace of one run at the task's history stride, column-wise (its task_id is the run's). */
export type HistoryColumns = Omit<ColumnsOf<typeof HISTORY_COLUMNS>, 'task_id'>;

/** What a worker posts back for one task. */
export interface RunResult {
  readonly kind: 'run';
  readonly row: RunRow;
  readonly history: HistoryColumns | null;
}

/** One row of the `trials` table: one batch of random-Hessian trials (shared/study/trials-columns.ts). */
export type TrialsRow = RowOf<typeof TRIAL_COLUMNS>;

export interface TrialsResult {
  readonly kind: 'trials';
  readonly row: TrialsRow;
}

export type Result = RunResult | TrialsResult;

/**
 * The runs of a seed block as one Arrow IPC stream of the stored runs columns
 * (shared/tables/stored-columns.ts), built by the pool thread that ran them: the coordinator's
 * thread journals the bytes and commits the record batch without a row object per run. Only for
 * blocks without history (worker/pool-worker.ts, runSeedBlock).
 */
export interface RunsIpc {
  readonly kind: 'runs-ipc';
  readonly ipc: Uint8Array;
}

/** What the progress bar reads of a run row (coordinator/report/outcome.ts names its outcome). */
export type OutcomeFields = Pick<RunRow, 'status' | 'output_norm_ratio' | 'point_class' | 'trivial'>;

/** Rows of a block by their outcome fields: each distinct value once, with its count. */
export type OutcomeTally = ReadonlyArray<readonly [OutcomeFields, number]>;

/**
 * A seed block's runs as a pool thread returns them: the IPC stream (RunsIpc's bytes) and its rows'
 * outcome fields tallied, so the coordinator's thread counts progress without decoding the rows.
 */
export interface RunsBlock {
  readonly ipc: Uint8Array;
  readonly outcomes: OutcomeTally;
}

/** Counts rows by their outcome fields (a block has a handful of distinct ones). */
export class OutcomeTallier {
  /** Each distinct outcome in the order first seen, with its count. */
  private readonly entries: [OutcomeFields, number][] = [];
  // Looked up field by field (a Map compares numbers and null as they are, NaN equal to NaN): a
  // joined text key had been most of tallying a fused torus block.
  private readonly index = new Map<
    unknown,
    Map<unknown, Map<unknown, Map<unknown, [OutcomeFields, number]>>>
  >();

  add(
    status: RunRow['status'],
    pointClass: RunRow['point_class'],
    ratio: RunRow['output_norm_ratio'],
    trivial: RunRow['trivial'],
  ): void {
    const byClass = level(this.index, status);
    const byRatio = level(byClass, pointClass);
    const byTrivial = level(byRatio, ratio);
    const entry = byTrivial.get(trivial);
    if (entry) entry[1]++;
    else {
      const fresh: [OutcomeFields, number] = [
        { status, point_class: pointClass, output_norm_ratio: ratio, trivial },
        1,
      ];
      byTrivial.set(trivial, fresh);
      this.entries.push(fresh);
    }
  }

  tally(): OutcomeTally {
    return this.entries.map(([fields, count]) => [fields, count] as const);
  }
}

function level<V>(m: Map<unknown, Map<unknown, V>>, key: unknown): Map<unknown, V> {
  let next = m.get(key);
  if (next === undefined) {
    next = new Map();
    m.set(key, next);
  }
  return next;
}

/**
 * Where a seed block's record batch message lies in the pending runs part of segment `seq`
 * (coordinator/store/pending-runs.ts): its byte offset and length there, and its CRC-32.
 */
export interface RunsRef {
  readonly kind: 'runs-ref';
  readonly seq: number;
  readonly offset: number;
  readonly bytes: number;
  readonly crc: number;
}

/** What one journal record holds: a result, a block's results, a block's IPC, or where it lies. */
export type JournalRecord = Result | Result[] | RunsIpc | RunsRef;
export type AnyRow = RunRow | TrialsRow;

/** Columns that depend on where and when a task ran, not on the task: excluded from reproducibility checks. */
export const RUN_CONTEXT_COLUMNS = ['wall_ms', 'worker', 'backend'] as const;

/** Columns of a run row that come from its task alone (what the task was, not how it went). */
export const TASK_COLUMNS = [
  'task_id',
  'study',
  'problem',
  'optimizer',
  'seed',
  'problem_params',
  'optimizer_params',
  'task',
] as const satisfies readonly (keyof RunRow)[];
