import { existsSync, unlinkSync } from 'node:fs';
import type { HistoryColumns, Result, RunRow } from '../shared/study/result.js';
import { Journal } from './journal.js';
import { outFiles } from './out-dir.js';
import { readArrowFile, rowsOf, tableFromRows, writeArrowFile } from './tables/arrow-io.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from './tables/runs-columns.js';

type HistoryRow = Record<string, unknown>;

/** Everything stored in an out dir so far: the Arrow tables plus the journal of newer results. */
export interface StoredResults {
  readonly runs: RunRow[];
  readonly history: HistoryRow[];
}

function historyRows(taskId: string, h: HistoryColumns): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let i = 0; i < h.iteration.length; i++) {
    const r: HistoryRow = { task_id: taskId };
    for (const [k, v] of Object.entries(h)) r[k] = v[i];
    rows.push(r);
  }
  return rows;
}

/** Reads an out dir's results, deduplicated by task id (the first row of an id wins). */
export function loadResults(dir: string): StoredResults {
  const files = outFiles(dir);
  const seen = new Set<string>();
  const runs: RunRow[] = [];
  const history: HistoryRow[] = [];
  if (existsSync(files.runs))
    for (const r of rowsOf(readArrowFile(files.runs)) as unknown as RunRow[])
      if (!seen.has(r.task_id)) {
        seen.add(r.task_id);
        runs.push(r);
      }
  if (existsSync(files.history))
    history.push(...rowsOf(readArrowFile(files.history)).filter((r) => seen.has(r.task_id as string)));
  for (const res of Journal.read<Result>(files.journal)) {
    if (seen.has(res.row.task_id)) continue;
    seen.add(res.row.task_id);
    runs.push(res.row);
    if (res.history) history.push(...historyRows(res.row.task_id, res.history));
  }
  return { runs, history };
}

/**
 * Collects results into an out dir, exactly once per task id. Each new result goes to the journal
 * before it counts as done; `close()` writes the Arrow tables (atomically) and only then drops the
 * journal, so a kill at any moment leaves every finished row readable and none twice.
 */
export class ResultSink {
  private readonly journal: Journal;
  private readonly seen: Set<string>;
  private readonly stored: StoredResults;
  private added = 0;

  constructor(private readonly dir: string) {
    this.stored = loadResults(dir);
    this.seen = new Set(this.stored.runs.map((r) => r.task_id));
    this.journal = new Journal(outFiles(dir).journal);
  }

  has(taskId: string): boolean {
    return this.seen.has(taskId);
  }

  get rows(): readonly RunRow[] {
    return this.stored.runs;
  }

  get newRows(): number {
    return this.added;
  }

  /** Stores a result unless its task already has a row; returns whether it was new. */
  add(result: Result): boolean {
    const id = result.row.task_id;
    if (this.seen.has(id)) return false;
    this.journal.append(result);
    this.seen.add(id);
    this.stored.runs.push(result.row);
    if (result.history) this.stored.history.push(...historyRows(id, result.history));
    this.added++;
    return true;
  }

  /** Writes runs.arrow and history.arrow with every row so far, then removes the journal. */
  close(): void {
    this.journal.close();
    const files = outFiles(this.dir);
    writeArrowFile(
      files.runs,
      tableFromRows(RUN_COLUMNS, this.stored.runs as unknown as Record<string, unknown>[]),
    );
    writeArrowFile(files.history, tableFromRows(HISTORY_COLUMNS, this.stored.history));
    if (existsSync(files.journal)) unlinkSync(files.journal);
  }
}
