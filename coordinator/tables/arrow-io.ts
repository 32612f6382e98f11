import { readFileSync } from 'node:fs';
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { atomicWrite } from '../files.js';

type Row = Record<string, unknown>;

export { tableFromRows, tableOf } from '../../shared/tables/table-of.js';

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
