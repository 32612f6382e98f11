import { type Data, makeData, RecordBatch, Struct, Table, vectorFromArray } from 'apache-arrow';
import { arrowSchema, arrowType, type Column } from '../../coordinator/tables/columns.js';

type Row = Record<string, unknown>;

/** One column of row objects as apache-arrow's builders make it (`vectorFromArray`): the reference. */
export function columnByBuilders(c: Column, rows: readonly Row[]): Data {
  const v = vectorFromArray(
    rows.map((r) => r[c.name] ?? null),
    arrowType(c.type) as never,
  );
  return v.data.length === 1 ? v.data[0] : makeData({ type: v.type, length: 0 });
}

/** A table of row objects built with apache-arrow's builders, under the documented schema. */
export function tableByBuilders(columns: readonly Column[], rows: readonly Row[]): Table {
  const schema = arrowSchema(columns);
  if (rows.length === 0) return new Table(schema);
  const children = columns.map((c) => columnByBuilders(c, rows));
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}
