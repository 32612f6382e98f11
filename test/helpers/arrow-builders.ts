import { type Data, makeData, vectorFromArray } from 'apache-arrow';
import { tableOf } from '../../coordinator/tables/arrow-io.js';
import type { Column } from '../../shared/study/columns.js';
import { arrowType } from '../../shared/tables/arrow-schema.js';

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
export const tableByBuilders = (columns: readonly Column[], rows: readonly Row[]) =>
  tableOf(columns, rows, columnByBuilders);
