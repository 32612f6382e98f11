import { readFileSync } from 'node:fs';
import { type Data, makeData, RecordBatch, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { Column } from '../../shared/study/columns.js';
import { atomicWrite } from '../files.js';
import { columnData } from './column-data.js';
import { arrowSchema } from './columns.js';

type Row = Record<string, unknown>;

/** Builds a table with exactly the documented schema from row objects. */
export function tableFromRows(columns: readonly Column[], rows: readonly Row[]): Table {
  return tableOf(columns, rows, columnData);
}

/** One record batch under the documented schema, each column's data built by `column`. */
export function tableOf(
  columns: readonly Column[],
  rows: readonly Row[],
  column: (col: Column, rows: readonly Row[]) => Data,
): Table {
  const schema = arrowSchema(columns);
  if (rows.length === 0) return new Table(schema);
  const children = columns.map((col) => column(col, rows));
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** Writes an Arrow IPC file atomically (temp file, fsync, rename). */
export function writeArrowFile(path: string, table: Table): void {
  atomicWrite(path, tableToIPC(table, 'file'));
}

export function readArrowFile(path: string): Table {
  return tableFromIPC(readFileSync(path));
}

/** Rows of a table as plain objects; list cells become Float64Array. */
export function rowsOf(table: Table): Row[] {
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((n) => table.getChild(n)!);
  const out: Row[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    for (let j = 0; j < names.length; j++) {
      const v = cols[j].get(i);
      row[names[j]] =
        v !== null && typeof v === 'object' && 'toArray' in v ? Float64Array.from(v.toArray()) : v;
    }
    out[i] = row;
  }
  return out;
}
