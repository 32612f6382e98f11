import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import { InputError } from '../../shared/study/errors.js';
import { commitSegment, fileBatches, nextSegment, segmentFiles, type TableName } from './segments.js';

/**
 * Compaction: an out dir's many small segments (one per flush window) rewritten as few large
 * ones, rows in the same order, history parts still beside the runs parts of the same runs.
 * Optional: readers take segments of any size.
 *
 * Atomic by a plan written (fsynced, renamed into place) before any part is touched: each group of
 * old segments becomes one new segment (a number above all), committed as a run commits
 * (segments.ts); only then are the old parts deleted. A kill leaves the plan behind, and
 * `recoverCompaction` finishes each group whose new runs part landed (deleting what is left of
 * the old) and undoes each that did not: no row is ever stored twice or lost.
 */

const PLAN = '.compaction.json';
/** A compacted segment closes at the first old segment boundary past these sizes. */
export const COMPACT_LIMITS = { runs: 250_000, history: 2_500_000, trials: 50_000 } as const;

interface Group {
  /** The new segment's number and the old ones it replaces, in order. */
  readonly seq: number;
  readonly replaces: readonly number[];
  /** The tables moved together: [runs's companions …, commit point]. */
  readonly tables: readonly TableName[];
}

const partPath = (dir: string, t: TableName, seq: number) =>
  join(dir, t, `part-${String(seq).padStart(8, '0')}.arrow`);
const seqOf = (path: string) => Number(/part-(\d{8})\.arrow$/.exec(path)![1]);
const rowsOf = (path: string) => {
  let n = 0;
  for (const b of fileBatches(path)) n += b.numRows;
  return n;
};

function planGroups(dir: string, start: number): Group[] {
  const groups: Group[] = [];
  let seq = start;
  for (const [point, tables, limit, companionLimit] of [
    ['runs', ['history', 'runs'], COMPACT_LIMITS.runs, COMPACT_LIMITS.history],
    ['trials', ['trials'], COMPACT_LIMITS.trials, 0],
  ] as const) {
    let cur: number[] = [];
    let rows = 0;
    let companion = 0;
    const close = () => {
      if (cur.length > 1) groups.push({ seq: seq++, replaces: cur, tables });
      cur = [];
      rows = 0;
      companion = 0;
    };
    for (const p of segmentFiles(dir, point)) {
      const s = seqOf(p);
      cur.push(s);
      rows += rowsOf(p);
      if (point === 'runs' && existsSync(partPath(dir, 'history', s)))
        companion += rowsOf(partPath(dir, 'history', s));
      if (rows >= limit || (companionLimit > 0 && companion >= companionLimit)) close();
    }
    close();
  }
  return groups;
}

function writePlan(dir: string, groups: readonly Group[]): void {
  const tmp = join(dir, `${PLAN}.tmp`);
  writeFileSync(tmp, JSON.stringify({ groups }), { flush: true });
  renameSync(tmp, join(dir, PLAN));
}

function removeOld(dir: string, g: Group): void {
  for (const s of g.replaces)
    for (const t of g.tables) {
      const p = partPath(dir, t, s);
      if (existsSync(p)) unlinkSync(p);
    }
}

/** Finishes or undoes a compaction a kill interrupted; returns what was done, for the log. */
export function recoverCompaction(dir: string): string[] {
  const path = join(dir, PLAN);
  if (!existsSync(path)) return [];
  const { groups } = JSON.parse(readFileSync(path, 'utf8')) as { groups: Group[] };
  const notes: string[] = [];
  for (const g of groups) {
    const point = g.tables[g.tables.length - 1];
    if (existsSync(partPath(dir, point, g.seq))) {
      removeOld(dir, g);
      notes.push(`compaction: segment ${g.seq} had landed; removed the ${g.replaces.length} it replaces`);
    } else
      for (const t of g.tables) {
        const p = partPath(dir, t, g.seq);
        if (existsSync(p)) unlinkSync(p);
      }
  }
  unlinkSync(path);
  return notes;
}

/** Whether an out dir holds an interrupted compaction (readers must not read it until recovered). */
export function compactionPending(dir: string): boolean {
  return existsSync(join(dir, PLAN));
}

/** Compacts an out dir's segments (the caller holds its lock, with segments recovered). */
export function compactSegments(dir: string): { before: number; after: number } {
  if (compactionPending(dir))
    throw new InputError(`${dir}: an interrupted compaction must be recovered first`);
  const count = () => segmentFiles(dir, 'runs').length + segmentFiles(dir, 'trials').length;
  const before = count();
  const groups = planGroups(dir, nextSegment(dir));
  if (groups.length === 0) return { before, after: before };
  writePlan(dir, groups);
  for (const g of groups) {
    const parts = g.tables.map((t) => {
      // Whole tables, not their batches: an empty part has a schema and no batch.
      const tables: Table[] = g.replaces
        .map((s) => partPath(dir, t, s))
        .filter((p) => existsSync(p))
        .map((p) => tableFromIPC(readFileSync(p)));
      return [t, tables[0].concat(...tables.slice(1))] as const;
    });
    commitSegment(dir, g.seq, parts);
    removeOld(dir, g);
  }
  unlinkSync(join(dir, PLAN));
  return { before, after: count() };
}
