import { existsSync, statSync, unlinkSync } from 'node:fs';
import { RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import type { Result, RunRow, RunsIpc, TrialsRow } from '../shared/study/result.js';
import { columnCells } from '../shared/tables/column-cells.js';
import { concatBatches } from '../shared/tables/concat-batches.js';
import { STORED_RUN_COLUMNS, STORED_TRIAL_COLUMNS } from '../shared/tables/stored-columns.js';
import { tableFromRows } from '../shared/tables/table-of.js';
import { Journal, type JournalDamage } from './journal.js';
import { recoverCompaction } from './store/compact.js';
import type { DoneSet } from './store/done-set.js';
import { type HistoryEntry, historyTable } from './store/history-table.js';
import { OutDirLock } from './store/lock.js';
import {
  journalPath,
  recordResults,
  StoredResults,
  scanJournal,
  segmentsDoneSet,
  unitOfRow,
} from './store/read.js';
import { commitSegment, nextSegment, recoverSegments } from './store/segments.js';

export { historyRowsOf } from './store/read.js';

/**
 * A segment is committed once it holds this many run rows, history rows or trial rows, or when
 * SEGMENT_MS has passed since the last one: the coordinator's memory is bounded by a segment, and
 * the journal (the results since the last segment) stays short.
 */
export const SEGMENT_LIMITS = segmentLimits(process.env);

/** The limits, each overridable by SADDLESCOPE_SEGMENT_RUNS / _HISTORY / _TRIALS / _MS (tests commit often). */
function segmentLimits(env: NodeJS.ProcessEnv) {
  const n = (name: string, d: number) => {
    const v = Number(env[`SADDLESCOPE_SEGMENT_${name}`]);
    return Number.isInteger(v) && v > 0 ? v : d;
  };
  return {
    runs: n('RUNS', 20_000),
    history: n('HISTORY', 250_000),
    trials: n('TRIALS', 5_000),
    ms: n('MS', 30_000),
  };
}

/** What progress reads of a row (report/outcome.ts). */
export type OutcomeFields = Pick<RunRow, 'status' | 'output_norm_ratio' | 'point_class' | 'trivial'>;

/** What opening an out dir found and mended: for the log (none of it is silent). */
export interface SinkNotes {
  readonly recovered: string[];
  readonly journalRecords: number;
  readonly journalDamage: JournalDamage[];
  readonly tornTail: number;
}

/**
 * Collects results into an out dir, exactly once per (configuration, seed). A result goes to the
 * journal, which `flush` writes, before it counts as done; results are moved from the journal into
 * table segments (commitSegment: history first, runs last, each fsynced and renamed) and only then
 * is the journal emptied. A kill at any moment leaves every flushed row in a segment or the
 * journal, none twice; opening the dir again finishes or undoes an interrupted commit.
 */
export class ResultSink {
  private readonly journal: Journal;
  private readonly done: DoneSet;
  private readonly lock: OutDirLock;
  private runs: RunRow[] = [];
  /** Record batches of seed blocks (addRunsIpc), committed with `runs`. */
  private runBatches: RecordBatch[] = [];
  private history: HistoryEntry[] = [];
  private historyRows = 0;
  private trials: TrialsRow[] = [];
  private lastCommit = Date.now();
  private seq: number;
  private added = 0;
  readonly notes: SinkNotes;

  constructor(
    private readonly dir: string,
    private readonly limits = SEGMENT_LIMITS,
  ) {
    this.lock = OutDirLock.acquire(dir);
    try {
      const recovered = [
        ...recoverSegments(dir, ['history', 'runs']),
        ...recoverSegments(dir, ['trials']),
        ...recoverCompaction(dir),
      ];
      this.done = segmentsDoneSet(dir);
      this.seq = nextSegment(dir);
      const path = journalPath(dir);
      const scan = scanJournal(path);
      this.journal = new Journal(path);
      // Results of an earlier session that never reached a segment: stored now, then the journal
      // (with any torn tail or damage it had) is emptied, so this session appends to a clean file.
      const earlier = scan.records.flatMap(recordResults);
      for (const r of earlier) if (this.store(r)) this.added--;
      this.commit(true);
      this.notes = {
        recovered,
        journalRecords: earlier.length,
        journalDamage: scan.damage,
        tornTail: scan.tornTail,
      };
    } catch (e) {
      this.lock.release();
      throw e;
    }
  }

  /** Whether (config, unit) has a row: unit is the seed, or a trials batch's first trial. */
  has(config: string, unit: number): boolean {
    return this.done.has(config, unit);
  }

  /** Rows stored, in segments or the journal. */
  get size(): number {
    return this.done.size;
  }

  /** Rows this session added. */
  get newRows(): number {
    return this.added;
  }

  /** The stored rows, streamed (StoredResults). */
  results(): StoredResults {
    return new StoredResults(this.dir);
  }

  private store(r: Result): boolean {
    if (!this.done.add(r.row.config, unitOfRow(r.row))) return false;
    if (r.kind === 'trials') this.trials.push(r.row);
    else {
      this.runs.push(r.row);
      if (r.history) {
        this.history.push([r.row.task_id, r.history]);
        this.historyRows += r.history.iteration.length;
      }
    }
    this.added++;
    return true;
  }

  /** Stores a result unless its (config, unit) already has a row; returns whether it was new. */
  add(result: Result): boolean {
    if (!this.store(result)) return false;
    this.journal.append(result);
    return true;
  }

  /** Stores the new ones of several results (a block), journaled as one record; returns them. */
  addAll(results: readonly Result[]): Result[] {
    const fresh = results.filter((r) => this.store(r));
    if (fresh.length === 1) this.journal.append(fresh[0]);
    else if (fresh.length > 1) this.journal.append(fresh);
    return fresh;
  }

  /**
   * Stores a seed block's runs given as Arrow IPC (RunsIpc: a pool thread built the record batch),
   * journaled as the bytes they came in; returns the new rows' outcome columns (for progress). A
   * block with any (config, seed) already stored (a retry) goes the row-by-row way instead.
   */
  addRunsIpc(ipc: Uint8Array): OutcomeFields[] {
    const table = tableFromIPC(ipc);
    const n = table.numRows;
    // Cells read from the column buffers (columnCells), not by get(): a block's config and most of
    // its statuses are one text, decoded once; get() decoded every cell and was half of this.
    const cells = (name: string) => columnCells(table.getChild(name)!);
    const config = cells('config') as string[];
    const seed = cells('seed') as number[];
    for (let i = 0; i < n; i++)
      if (this.done.has(config[i], seed[i]))
        return this.addAll(recordResults({ kind: 'runs-ipc', ipc })).map((r) => r.row as OutcomeFields);
    for (let i = 0; i < n; i++) this.done.add(config[i], seed[i]);
    this.runBatches.push(...table.batches);
    this.added += n;
    this.journal.append({ kind: 'runs-ipc', ipc } satisfies RunsIpc);
    const status = cells('status') as OutcomeFields['status'][];
    const ratio = cells('output_norm_ratio') as OutcomeFields['output_norm_ratio'][];
    const pointClass = cells('point_class') as OutcomeFields['point_class'][];
    const trivial = cells('trivial') as OutcomeFields['trivial'][];
    const out = new Array<OutcomeFields>(n);
    for (let i = 0; i < n; i++)
      out[i] = {
        status: status[i],
        output_norm_ratio: ratio[i],
        point_class: pointClass[i],
        trivial: trivial[i],
      };
    return out;
  }

  /** Hands every result added since the last flush to the OS; commits a segment when one is full. */
  flush(): void {
    this.journal.flush();
    const l = this.limits;
    const full =
      this.bufferedRuns() >= l.runs ||
      this.historyRows >= l.history ||
      this.trials.length >= l.trials ||
      Date.now() - this.lastCommit >= l.ms;
    if (full) this.commit(false);
  }

  /** Runs waiting for the next segment: row results and seed blocks' batches. */
  private bufferedRuns(): number {
    let n = this.runs.length;
    for (const b of this.runBatches) n += b.numRows;
    return n;
  }

  /** Moves the buffered rows into a segment, then empties the journal. */
  private commit(always: boolean): void {
    this.journal.flush();
    const anyRuns = this.bufferedRuns() > 0;
    if (anyRuns) {
      const rows = tableFromRows(STORED_RUN_COLUMNS, this.runs as unknown as Record<string, unknown>[]);
      // One schema object for every batch: a decoded schema has the base types (Int_, Float), which
      // the builders' (Int32, Float64) are not instances of, and the IPC writer starts a new file
      // (closing this one) at a batch whose schema does not compare equal.
      const blocks = this.runBatches.map((b) => new RecordBatch(rows.schema, b.data));
      const all = [...rows.batches, ...blocks];
      const runs = new Table(rows.schema, all.length > 1 ? (concatBatches(rows.schema, all) ?? all) : all);
      commitSegment(this.dir, this.seq++, [
        ['history', historyTable(this.history)],
        ['runs', runs],
      ]);
    }
    if (this.trials.length > 0)
      commitSegment(this.dir, this.seq++, [
        ['trials', tableFromRows(STORED_TRIAL_COLUMNS, this.trials as unknown as Record<string, unknown>[])],
      ]);
    if (always || anyRuns || this.trials.length > 0) this.journal.truncate();
    this.runs = [];
    this.runBatches = [];
    this.history = [];
    this.historyRows = 0;
    this.trials = [];
    this.lastCommit = Date.now();
  }

  /** Commits what is buffered, removes the (now empty) journal and releases the out dir. */
  close(): void {
    try {
      this.commit(true);
      this.journal.close();
      const path = journalPath(this.dir);
      if (existsSync(path) && statSync(path).size === 0) unlinkSync(path);
    } finally {
      this.lock.release();
    }
  }
}
