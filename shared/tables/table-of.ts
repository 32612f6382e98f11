import { type Data, makeData, RecordBatch, Struct, Table } from 'apache-arrow';
import type { Column } from '../study/columns.js';
import { arrowSchema } from './arrow-schema.js';
import { columnData } from './column-data.js';

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
  return oneBatch(columns, rows.length, (col) => column(col, rows));
}

/** A table of `length` rows in one record batch (none when empty), its columns' data from `dataOf`. */
function oneBatch(columns: readonly Column[], length: number, dataOf: (col: Column) => Data): Table {
  const schema = arrowSchema(columns);
  if (length === 0) return new Table(schema);
  const children = columns.map(dataOf);
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}
