import { existsSync, unlinkSync } from 'node:fs';
import type { AnyRow, HistoryColumns, Result, RunRow, TrialsRow } from '../shared/study/result.js';
import { Journal } from './journal.js';
import { outFiles } from './out-dir.js';
import { readArrowFile, rowsOf, tableFromRows, writeArrowFile } from './tables/arrow-io.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from './tables/runs-columns.js';
import { TRIAL_COLUMNS } from './tables/trials-columns.js';

type HistoryRow = Record<string, unknown>;

/** Everything stored in an out dir so far: the Arrow tables plus the journal of newer results. */
export interface StoredResults {
  readonly runs: RunRow[];
  readonly history: HistoryRow[];
  readonly trials: TrialsRow[];
}

/** A run's history columns as rows of the `history` table. */
export function historyRows(taskId: string, h: HistoryColumns): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let i = 0; i < h.iteration.length; i++) {
    const r: HistoryRow = { task_id: taskId };
    for (const [k, v] of Object.entries(h)) r[k] = v[i];
    rows.push(r);
  }
  return rows;
}

/** Adds a result to `into` unless its task already has a row; the first row of an id wins. */
function store(into: StoredResults, seen: Set<string>, res: Result): boolean {
  const id = res.row.task_id;
  if (seen.has(id)) return false;
  seen.add(id);
  if (res.kind === 'trials') into.trials.push(res.row);
  else {
    into.runs.push(res.row);
    // A loop, not push(...rows): spreading ~125k rows into one call overflows the stack.
    if (res.history) for (const h of historyRows(id, res.history)) into.history.push(h);
  }
  return true;
}

function readTable<T>(path: string): T[] {
  return existsSync(path) ? (rowsOf(readArrowFile(path)) as T[]) : [];
}

/** Reads an out dir's results, deduplicated by task id. */
export function loadResults(dir: string): StoredResults {
  const files = outFiles(dir);
  const out: StoredResults = { runs: [], history: [], trials: [] };
  const seen = new Set<string>();
  for (const row of readTable<RunRow>(files.runs)) store(out, seen, { kind: 'run', row, history: null });
  for (const row of readTable<TrialsRow>(files.trials)) store(out, seen, { kind: 'trials', row });
  const kept = new Set(out.runs.map((r) => r.task_id));
  for (const h of readTable<HistoryRow>(files.history))
    if (kept.has(h.task_id as string)) out.history.push(h);
  for (const res of Journal.read<Result>(files.journal)) store(out, seen, res);
  return out;
}

/**
 * Collects results into an out dir, exactly once per task id. Each new result goes to the journal,
 * which `flush` writes, before it counts as done; `close()` writes the Arrow tables (atomically)
 * and only then drops the journal, so a kill at any moment leaves every finished row readable and
 * none twice.
 */
export class ResultSink {
  private readonly journal: Journal;
  private readonly seen: Set<string>;
  private readonly stored: StoredResults;
  private added = 0;

  constructor(private readonly dir: string) {
    this.stored = loadResults(dir);
    this.seen = new Set([...this.stored.runs, ...this.stored.trials].map((r) => r.task_id));
    this.journal = new Journal(outFiles(dir).journal);
  }

  has(taskId: string): boolean {
    return this.seen.has(taskId);
  }

  get rows(): readonly RunRow[] {
    return this.stored.runs;
  }

  get trialRows(): readonly TrialsRow[] {
    return this.stored.trials;
  }

  get allRows(): readonly AnyRow[] {
    return [...this.stored.runs, ...this.stored.trials];
  }

  get newRows(): number {
    return this.added;
  }

  /** Stores a result unless its task already has a row; returns whether it was new. */
  add(result: Result): boolean {
    if (this.seen.has(result.row.task_id)) return false;
    this.journal.append(result);
    store(this.stored, this.seen, result);
    this.added++;
    return true;
  }

  /** Hands every result added since the last flush to the OS (one write of the journal). */
  flush(): void {
    this.journal.flush();
  }

  /** Writes the Arrow tables with every row so far, then removes the journal. */
  close(): void {
    this.journal.close();
    const files = outFiles(this.dir);
    const { runs, history, trials } = this.stored;
    // An optimizer study has runs and history tables, a trials study a trials table.
    if (runs.length > 0 || trials.length === 0) {
      writeArrowFile(files.runs, tableFromRows(RUN_COLUMNS, runs as unknown as Record<string, unknown>[]));
      writeArrowFile(files.history, tableFromRows(HISTORY_COLUMNS, history));
    }
    if (trials.length > 0)
      writeArrowFile(
        files.trials,
        tableFromRows(TRIAL_COLUMNS, trials as unknown as Record<string, unknown>[]),
      );
    if (existsSync(files.journal)) unlinkSync(files.journal);
  }
}
