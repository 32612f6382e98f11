import { existsSync, statSync, unlinkSync } from 'node:fs';
import type {
  OutcomeFields,
  OutcomeTally,
  Result,
  RunRow,
  RunsBlock,
  TrialsRow,
} from '../shared/study/result.js';
import { arrowSchema } from '../shared/tables/arrow-schema.js';
import {
  columnBuffersOf,
  ipcFileParts,
  recordBatchMessage,
  streamMessages,
} from '../shared/tables/ipc-messages.js';
import { STORED_RUN_COLUMNS, STORED_TRIAL_COLUMNS } from '../shared/tables/stored-columns.js';
import { tableFromRows } from '../shared/tables/table-of.js';
import { Journal, type JournalDamage } from './journal.js';
import { recoverCompaction } from './store/compact.js';
import type { DoneSet } from './store/done-set.js';
import { type HistoryEntry, historyTable } from './store/history-table.js';
import { OutDirLock } from './store/lock.js';
import { PendingRuns } from './store/pending-runs.js';
import {
  journalPath,
  recordResults,
  resolvedResults,
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

const RUNS_SCHEMA = arrowSchema(STORED_RUN_COLUMNS);

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
  /**
   * The next segment's runs part, holding the seed blocks' record batch messages (addRunsIpc) as
   * they came: written at each flush, committed with `runs` (pending-runs.ts), never decoded and
   * encoded again.
   */
  private pending: PendingRuns | null = null;
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
      const path = journalPath(dir);
      const scan = scanJournal(path);
      // Results of an earlier session that never reached a segment, its blocks' rows read back
      // from its pending runs part before recovery removes that (a ref that cannot be is damage).
      const damage = [...scan.damage];
      const earlier = scan.records.flatMap((r, i) => {
        const got = resolvedResults(dir, r);
        if (typeof got !== 'string') return got;
        damage.push({ ...scan.frames[i], reason: `a block's runs not found (${got})` });
        return [];
      });
      const recovered = [
        ...recoverSegments(dir, ['history', 'runs']),
        ...recoverSegments(dir, ['trials']),
        ...recoverCompaction(dir),
      ];
      this.done = segmentsDoneSet(dir);
      this.seq = nextSegment(dir);
      this.journal = new Journal(path);
      // Stored now, then the journal (with any torn tail or damage it had) is emptied, so this
      // session appends to a clean file.
      for (const r of earlier) if (this.store(r)) this.added--;
      this.commit(true);
      this.notes = {
        recovered,
        journalRecords: earlier.length,
        journalDamage: damage.sort((a, b) => a.offset - b.offset),
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
   * Stores a seed block's runs given as Arrow IPC (RunsBlock: a pool thread built the record batch
   * of `seeds` of `config`, in that order, and tallied its outcomes), journaled as the bytes they
   * came in; returns the new rows' outcomes (for progress). A block with any (config, seed) stored
   * already (a retry) goes the row-by-row way instead.
   */
  addRunsIpc(config: string, seeds: readonly number[], runs: RunsBlock): OutcomeTally {
    const { ipc } = runs;
    const messages = streamMessages(ipc);
    const rows = messages.length === 2 ? messages[1].rows : null;
    if (rows !== seeds.length)
      throw new Error(`a seed block of ${seeds.length} seeds came back as an IPC stream of ${rows} rows`);
    for (const seed of seeds)
      if (this.done.has(config, seed))
        return this.addAll(recordResults({ kind: 'runs-ipc', ipc })).map((r) => [r.row as OutcomeFields, 1]);
    for (const seed of seeds) this.done.add(config, seed);
    this.pending ??= new PendingRuns(this.dir, this.seq);
    this.journal.append(this.pending.add(messages[1].bytes, seeds.length));
    this.added += seeds.length;
    return runs.outcomes;
  }

  /** Hands every result added since the last flush to the OS; commits a segment when one is full. */
  flush(): void {
    this.write();
    const l = this.limits;
    const full =
      this.bufferedRuns() >= l.runs ||
      this.historyRows >= l.history ||
      this.trials.length >= l.trials ||
      Date.now() - this.lastCommit >= l.ms;
    if (full) this.commit(false);
  }

  /** Hands the pending blocks' bytes, then the journal records (refs to them among them), to the OS. */
  private write(): void {
    this.pending?.flush();
    this.journal.flush();
  }

  /** Runs waiting for the next segment: row results and seed blocks' batches. */
  private bufferedRuns(): number {
    return this.runs.length + (this.pending?.rows ?? 0);
  }

  /** Moves the buffered rows into a segment, then empties the journal. */
  private commit(always: boolean): void {
    this.write();
    const anyRuns = this.bufferedRuns() > 0;
    if (anyRuns) {
      const messages: Uint8Array[] = [];
      if (this.runs.length > 0) {
        const rows = tableFromRows(STORED_RUN_COLUMNS, this.runs as unknown as Record<string, unknown>[]);
        const columns = rows.batches[0].data.children.map((d) => columnBuffersOf(d));
        messages.push(recordBatchMessage(rows.numRows, columns));
      }
      const runs = this.pending
        ? this.pending.finish(RUNS_SCHEMA, messages)
        : ipcFileParts(RUNS_SCHEMA, messages);
      this.pending = null;
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
