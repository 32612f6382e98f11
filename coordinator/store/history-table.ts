import { Buffer } from 'node:buffer';
import { type Data, Float64, Int32, makeData, RecordBatch, Struct, Table, Utf8 } from 'apache-arrow';
import type { HistoryColumns } from '../../shared/study/result.js';
import { HISTORY_COLUMNS } from '../../shared/study/runs-columns.js';
import { arrowSchema } from '../../shared/tables/arrow-schema.js';

/** One run's trace as a worker returns it: its task id and its columns. */
export type HistoryEntry = readonly [taskId: string, columns: HistoryColumns];

/**
 * The history table of many runs, built from their column arrays by concatenation: no row
 * objects (a segment holds ~10⁵ history rows). Same schema as HISTORY_COLUMNS, no nulls.
 */
export function historyTable(entries: readonly HistoryEntry[]): Table {
  const schema = arrowSchema(HISTORY_COLUMNS);
  let n = 0;
  for (const [, h] of entries) n += h.iteration.length;
  if (n === 0) return new Table(schema);
  const children: Data[] = HISTORY_COLUMNS.map((col) => {
    if (col.name === 'task_id') return taskIds(entries, n);
    const key = col.name as keyof HistoryColumns;
    const data = col.type === 'i32' ? new Int32Array(n) : new Float64Array(n);
    let off = 0;
    for (const [, h] of entries) {
      data.set(h[key] as never, off);
      off += h.iteration.length;
    }
    return makeData({
      type: col.type === 'i32' ? new Int32() : new Float64(),
      length: n,
      nullCount: 0,
      data,
    } as never);
  });
  const data = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

function taskIds(entries: readonly HistoryEntry[], n: number): Data {
  const valueOffsets = new Int32Array(n + 1);
  // Task ids are ASCII hex, so a character is a byte.
  let bytes = 0;
  let row = 0;
  for (const [id, h] of entries)
    for (let i = 0; i < h.iteration.length; i++) {
      bytes += id.length;
      valueOffsets[++row] = bytes;
    }
  const data = new Uint8Array(bytes);
  row = 0;
  for (const [id, h] of entries) {
    const ascii = Buffer.from(id, 'latin1');
    for (let i = 0; i < h.iteration.length; i++) data.set(ascii, valueOffsets[row++]);
  }
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets, data });
}
