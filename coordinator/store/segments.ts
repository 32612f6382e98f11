import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { type RecordBatch, RecordBatchReader, type Table, tableToIPC } from 'apache-arrow';
import { InputError } from '../../shared/study/errors.js';
import { withPath, writeAll } from '../files.js';

/** The tables of an out dir, each a folder of segments (README, "Results"). */
export type TableName = 'runs' | 'history' | 'trials';

const PART = /^part-(\d{8})\.arrow$/;
const TMP = /^\.part-(\d{8})\.arrow\.tmp$/;
const name = (seq: number) => `part-${String(seq).padStart(8, '0')}.arrow`;
const tmpName = (seq: number) => `.${name(seq)}.tmp`;

/** The hidden temporary a segment's part is written under before its commit renames it. */
export function segmentTmpPath(dir: string, table: TableName, seq: number): string {
  return join(dir, table, tmpName(seq));
}

/** A segment part written to its temporary already, fsynced (the sink's pending runs file). */
export interface WrittenPart {
  readonly written: string;
}

/** Whether segment `seq` of a table is committed. */
export function segmentCommitted(dir: string, table: TableName, seq: number): boolean {
  return existsSync(join(dir, table, name(seq)));
}

/** A table's committed segment files, in order. Dataset readers see exactly these (dot files are hidden). */
export function segmentFiles(dir: string, table: TableName): string[] {
  const d = join(dir, table);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => PART.test(f))
    .sort()
    .map((f) => join(d, f));
}

/** The next free segment number of an out dir. */
export function nextSegment(dir: string): number {
  let max = -1;
  for (const t of ['runs', 'history', 'trials'] as const) {
    const d = join(dir, t);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      const m = PART.exec(f) ?? TMP.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
  }
  return max + 1;
}

function writeDurably(path: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, parts);
    fsyncSync(fd);
  } catch (e) {
    throw withPath(e, path);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes segment `seq` of several tables as one step. Every part is written and fsynced under a
 * hidden temporary name first; then they are renamed in order, the LAST part being the commit
 * point (the runs table: a task is done when its run row is). A kill before the first rename
 * leaves only temporaries (deleted by `recoverSegments`, the results still in the journal); a kill
 * between renames leaves a whole, fsynced temporary of the commit point, which recovery renames.
 * A part is a table, the bytes of an IPC file put together already, in pieces, or a temporary
 * written and fsynced already (WrittenPart).
 */
export function commitSegment(
  dir: string,
  seq: number,
  parts: readonly (readonly [TableName, Table | readonly Uint8Array[] | WrittenPart])[],
): void {
  const paths = parts.map(([t, table]) => {
    const d = join(dir, t);
    mkdirSync(d, { recursive: true });
    const tmp = join(d, tmpName(seq));
    if ('written' in table) {
      if (table.written !== tmp) throw new Error(`segment ${seq}: ${table.written} is not its ${t} part`);
    } else writeDurably(tmp, Array.isArray(table) ? table : [tableToIPC(table as Table, 'file')]);
    return [tmp, join(d, name(seq)), d] as const;
  });
  for (const [tmp, final, d] of paths) {
    renameSync(tmp, final);
    fsyncDir(d);
  }
}

/**
 * Finishes or undoes a segment commit a kill interrupted (see commitSegment). `order` lists the
 * tables in commit order, the commit point last. Returns what was done, for the log.
 */
export function recoverSegments(dir: string, order: readonly TableName[]): string[] {
  const notes: string[] = [];
  const point = order[order.length - 1];
  const tmps = (t: TableName) => {
    const d = join(dir, t);
    return existsSync(d) ? readdirSync(d).filter((f) => TMP.test(f)) : [];
  };
  for (const f of tmps(point)) {
    const seq = Number(TMP.exec(f)![1]);
    const started = order.slice(0, -1).some((t) => existsSync(join(dir, t, name(seq))));
    if (started) {
      renameSync(join(dir, point, f), join(dir, point, name(seq)));
      notes.push(`segment ${seq}: finished its commit (a kill had stopped it between renames)`);
    }
  }
  for (const t of order)
    for (const f of tmps(t)) {
      unlinkSync(join(dir, t, f));
      notes.push(
        `segment ${TMP.exec(f)![1]}: removed an uncommitted ${t} part (its results are journaled and stored again)`,
      );
    }
  // A part of a segment whose commit point never landed is not part of the study.
  const committed = new Set(segmentFiles(dir, point).map((p) => p.slice(-name(0).length)));
  for (const t of order.slice(0, -1))
    for (const p of segmentFiles(dir, t)) {
      const f = p.slice(-name(0).length);
      if (!committed.has(f)) {
        unlinkSync(p);
        notes.push(`${t}/${f}: removed, its ${point} part was never committed`);
      }
    }
  return notes;
}

/** The record batches of one segment file, read whole (a segment is one flush window). */
export function* fileBatches(path: string): Generator<RecordBatch> {
  const batches: RecordBatch[] = [];
  try {
    // Decoded whole before the first yield, so a damaged part fails here, not halfway through a
    // reader's pass: apache-arrow's own errors name neither the file nor what to do.
    for (const batch of RecordBatchReader.from(readFileSync(path))) batches.push(batch);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== undefined) throw e;
    throw new InputError(
      `${path}: not a readable Arrow IPC segment (${(e as Error).message}); ` +
        'move it out of the out dir and rerun the study to compute its tasks again',
    );
  }
  yield* batches;
}

/** Every record batch of a table, segment after segment (memory: one segment at a time). */
export function* tableBatches(dir: string, table: TableName): Generator<RecordBatch> {
  for (const f of segmentFiles(dir, table)) yield* fileBatches(f);
}
