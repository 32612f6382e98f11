import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import { canonicalJson } from '../../shared/study/canonical.js';
import { literalMaker } from '../../shared/study/columns.js';
import { InputError } from '../../shared/study/errors.js';
import type {
  HistoryColumns,
  JournalRecord,
  Result,
  RunRow,
  RunsRef,
  TrialsRow,
} from '../../shared/study/result.js';
import { columnCells } from '../../shared/tables/column-cells.js';
import { columnsSchemaMessage, ipcStream } from '../../shared/tables/ipc-messages.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { Journal, type JournalScan } from '../journal.js';
import { compactionPending } from './compact.js';
import { DoneSet } from './done-set.js';
import { readRunsRef } from './pending-runs.js';
import { tableBatches } from './segments.js';
import { readVariants, type Variant } from './variants.js';

export type HistoryRow = Record<string, unknown>;

export const journalPath = (dir: string) => join(dir, 'results.journal');

/** The done-set key of a row: its seed, or a trials batch's first trial index. */
export function unitOfRow(row: RunRow | TrialsRow): number {
  return 'seed' in row ? row.seed : row.first_trial;
}

/** Which (config, unit) of an out dir have a row in its segments: two columns read, no rows built. */
export function segmentsDoneSet(dir: string): DoneSet {
  const done = new DoneSet();
  for (const [table, unit] of [
    ['runs', 'seed'],
    ['trials', 'first_trial'],
  ] as const)
    for (const b of tableBatches(dir, table)) {
      const config = b.getChild('config')!;
      const units = b.getChild(unit)!;
      for (let i = 0; i < b.numRows; i++) done.add(config.get(i) as string, Number(units.get(i)));
    }
  return done;
}

/** The results of one journal record: a result, a block's results, or a block's runs as IPC. */
export function recordResults(record: Exclude<JournalRecord, RunsRef>): Result[] {
  if (Array.isArray(record)) return record;
  if (record.kind !== 'runs-ipc') return [record];
  const out: Result[] = [];
  for (const b of tableFromIPC(record.ipc).batches)
    for (const row of batchRows(b)) out.push({ kind: 'run', row: row as unknown as RunRow, history: null });
  return out;
}

/** Why a decoded journal record is not a result, a block's results or a block's IPC, or null. */
function recordProblem(r: unknown): string | null {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  const resultProblem = (x: unknown): string | null => {
    if (!isObject(x) || (x.kind !== 'run' && x.kind !== 'trials')) return 'not a result';
    const row = x.row;
    if (!isObject(row) || typeof row.config !== 'string') return `a ${x.kind} result without a row`;
    const unit = x.kind === 'run' ? row.seed : row.first_trial;
    return typeof unit === 'number'
      ? null
      : `a ${x.kind} row without its ${x.kind === 'run' ? 'seed' : 'first_trial'}`;
  };
  if (Array.isArray(r)) {
    for (const x of r) {
      const why = resultProblem(x);
      if (why !== null) return `a block of results holding ${why}`;
    }
    return null;
  }
  if (isObject(r) && r.kind === 'runs-ipc')
    return r.ipc instanceof Uint8Array ? null : 'runs-ipc without bytes';
  if (isObject(r) && r.kind === 'runs-ref') {
    const ok = (['seq', 'offset', 'bytes', 'crc'] as const).every(
      (k) => Number.isSafeInteger(r[k]) && (r[k] as number) >= 0,
    );
    return ok ? null : 'a runs-ref without its place';
  }
  return resultProblem(r);
}

/**
 * The journal's intact records. A record of the wrong shape (a foreign or hand-edited file: its
 * frame and checksum are whole) is reported as damage with its offset, like a damaged frame.
 */
export function scanJournal(path: string): JournalScan<JournalRecord> {
  const scan = Journal.scan<unknown>(path);
  const records: JournalRecord[] = [];
  const frames: JournalScan<unknown>['frames'] = [];
  const damage = [...scan.damage];
  scan.records.forEach((r, i) => {
    const why = recordProblem(r);
    if (why === null) {
      records.push(r as JournalRecord);
      frames.push(scan.frames[i]);
    } else damage.push({ ...scan.frames[i], reason: `a record of the wrong shape (${why})` });
  });
  damage.sort((a, b) => a.offset - b.offset);
  return { records, frames, damage, tornTail: scan.tornTail };
}

/** Results in the journal that are not yet in segments (a study killed, or still running). */
export function journalResults(dir: string, done: DoneSet): Result[] {
  const path = journalPath(dir);
  if (!existsSync(path) || statSync(path).size === 0) return [];
  return scanJournal(path)
    .records.flatMap((r) => {
      const got = resolvedResults(dir, r);
      return typeof got === 'string' ? [] : got;
    })
    .filter((r) => done.add(r.row.config, unitOfRow(r.row)));
}

/**
 * A journal record's results; for a runs ref, its block's rows read back from the pending runs
 * part it points to (none when that segment was committed: they are in it), or why it cannot be.
 */
export function resolvedResults(dir: string, record: JournalRecord): Result[] | string {
  if (Array.isArray(record) || record.kind !== 'runs-ref') return recordResults(record);
  const bytes = readRunsRef(dir, record);
  if (bytes === 'committed') return [];
  if (typeof bytes === 'string') return bytes;
  return recordResults({
    kind: 'runs-ipc',
    ipc: ipcStream(columnsSchemaMessage(STORED_RUN_COLUMNS), [bytes]),
  });
}

/** The rows of a record batch as plain objects (list cells as Float64Array); `only` those columns. */
export function* batchRows(b: RecordBatch, only?: readonly string[]): Generator<Record<string, unknown>> {
  const names = only ?? b.schema.fields.map((f) => f.name);
  const cols = names.map((n) => columnCells(b.getChild(n)!));
  const row = rowOf(names);
  for (let i = 0; i < b.numRows; i++) yield row(cols, i);
}

/** Row i of columns `names` (columns.ts's literalMaker; keyed stores for names that are not identifiers). */
const rowMakers = new Map<string, (cols: unknown[][], i: number) => Record<string, unknown>>();
function rowOf(names: readonly string[]): (cols: unknown[][], i: number) => Record<string, unknown> {
  const key = names.join('\n');
  let make = rowMakers.get(key);
  if (make === undefined) {
    make =
      (literalMaker(names, (j) => `c[${j}][i]`, 'c', 'i') as typeof make | null) ??
      ((cols, i) => {
        const row: Record<string, unknown> = {};
        for (let j = 0; j < names.length; j++) row[names[j]] = cols[j][i];
        return row;
      });
    if (rowMakers.size > 64) rowMakers.clear();
    rowMakers.set(key, make);
  }
  return make;
}

export interface ReadOptions {
  /** Rebuild each row's `task` JSON from the variants table (replay, figures that need the task). */
  readonly task?: boolean;
}

/**
 * An out dir's results as streams: every call reads the segments again, one at a time, so memory
 * does not grow with the rows. Rows carry the columns the variants table holds once per
 * configuration (problem_params, optimizer_params, and the task on request), as a worker made them.
 */
export class StoredResults {
  private readonly variants: Map<string, Variant>;

  constructor(readonly dir: string) {
    if (compactionPending(dir))
      throw new InputError(
        `${dir}: a compaction was interrupted; \`saddlescope compact ${dir}\` (or a rerun) finishes it before the tables can be read`,
      );
    this.variants = readVariants(dir);
  }

  private pendingJournal(): Result[] {
    const path = journalPath(this.dir);
    if (!existsSync(path) || statSync(path).size === 0) return [];
    return journalResults(this.dir, segmentsDoneSet(this.dir));
  }

  private join<T extends RunRow | TrialsRow>(
    row: Record<string, unknown>,
    o: ReadOptions,
    run = 'seed' in row,
  ): T {
    const v = this.variants.get(row.config as string);
    if (run) {
      row.problem_params = v?.problem_params ?? '{}';
      row.optimizer_params = v?.optimizer_params ?? '{}';
    }
    row.task = o.task && v ? taskJson(v, row) : '';
    return row as T;
  }

  *runs(o: ReadOptions = {}): Generator<RunRow> {
    for (const b of tableBatches(this.dir, 'runs'))
      for (const r of batchRows(b)) yield this.join<RunRow>(r, o);
    for (const r of this.pendingJournal()) if (r.kind === 'run') yield this.join<RunRow>(r.row as never, o);
  }

  /**
   * The runs with only `columns` read from the segments (and the configuration's parameters
   * joined): a reader that needs a few columns (the summary) skips decoding the rest, most of
   * the time it took at 10⁶ runs and more.
   */
  *runColumns<K extends keyof RunRow & string>(
    columns: readonly K[],
  ): Generator<Pick<RunRow, K | 'config' | 'problem_params' | 'optimizer_params'>> {
    const names = [...new Set<string>([...columns, 'config'])];
    for (const b of tableBatches(this.dir, 'runs'))
      for (const r of batchRows(b, names)) yield this.join<RunRow>(r, {}, true);
    for (const r of this.pendingJournal()) if (r.kind === 'run') yield this.join<RunRow>(r.row as never, {});
  }

  *trials(o: ReadOptions = {}): Generator<TrialsRow> {
    for (const b of tableBatches(this.dir, 'trials'))
      for (const r of batchRows(b)) yield this.join<TrialsRow>(r, o);
    for (const r of this.pendingJournal())
      if (r.kind === 'trials') yield this.join<TrialsRow>(r.row as never, o);
  }

  *history(): Generator<HistoryRow> {
    for (const b of tableBatches(this.dir, 'history')) yield* batchRows(b);
    for (const r of this.pendingJournal())
      if (r.kind === 'run' && r.history) yield* historyRowsOf(r.row.task_id, r.history);
  }

  /** The record batches of a table (segments only): for readers that work on columns. */
  batches(table: 'runs' | 'history' | 'trials'): Generator<RecordBatch> {
    return tableBatches(this.dir, table);
  }
}

/** The task JSON of a stored row: its configuration's content with the row's seed (or trial range). */
function taskJson(v: Variant, row: Record<string, unknown>): string {
  const content = JSON.parse(v.content) as Record<string, unknown>;
  const task =
    'seed' in row
      ? { ...content, seed: row.seed }
      : {
          ...content,
          params: { ...(content.params as object), firstTrial: row.first_trial, trials: row.trials },
        };
  return canonicalJson({ ...task, id: row.task_id, study: row.study, config: row.config });
}

/** A run's history columns as rows of the `history` table. */
export function* historyRowsOf(taskId: string, h: HistoryColumns): Generator<HistoryRow> {
  const keys = Object.keys(h) as (keyof HistoryColumns)[];
  for (let i = 0; i < h.iteration.length; i++) {
    const r: HistoryRow = { task_id: taskId };
    for (const k of keys) r[k] = h[k][i];
    yield r;
  }
}

/** Every stored row in memory (rows with their task JSON). For small studies and figures not yet streaming. */
export function loadResults(dir: string): { runs: RunRow[]; history: HistoryRow[]; trials: TrialsRow[] } {
  const s = new StoredResults(dir);
  return {
    runs: [...s.runs({ task: true })],
    history: [...s.history()],
    trials: [...s.trials({ task: true })],
  };
}
