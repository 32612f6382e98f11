import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableToIPC } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { InputError } from '../shared/study/errors.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from '../shared/study/runs-columns.js';
import { atomicWrite } from './files.js';
import { readManifest } from './out-dir.js';
import { loadResults } from './sink.js';
import { tableFromRows } from './tables/arrow-io.js';

export type ExportFormat = 'parquet' | 'csv';

/** Parquet through parquet-wasm (Arrow in, zstd-compressed Parquet out): pandas, polars, DuckDB, Spark read it. */
export function toParquet(table: Table): Uint8Array {
  const props = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setCreatedBy('saddlescope')
    .build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
}

/** RFC 4180 CSV; list columns as JSON arrays, non-finite floats as NaN / Infinity / -Infinity. */
export function toCsv(table: Table): string {
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((n) => table.getChild(n)!);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'object' && 'toArray' in (v as object))
      return cell(`[${Array.from((v as { toArray(): ArrayLike<number> }).toArray()).join(',')}]`);
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [names.join(',')];
  for (let i = 0; i < table.numRows; i++) lines.push(cols.map((c) => cell(c.get(i))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes every table of an out dir to DIR/export/<table>.<ext>; returns the paths written. */
export function exportStudy(dir: string, format: ExportFormat, outDir = join(dir, 'export')): string[] {
  readManifest(dir);
  if (format !== 'parquet' && format !== 'csv')
    throw new InputError(`--format must be parquet or csv, not '${format}'`);
  const { runs, history } = loadResults(dir);
  const tables: Array<[string, Table]> = [
    ['runs', tableFromRows(RUN_COLUMNS, runs as unknown as Record<string, unknown>[])],
    ['history', tableFromRows(HISTORY_COLUMNS, history)],
  ];
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, table] of tables) {
    const path = join(outDir, `${name}.${format}`);
    atomicWrite(path, format === 'parquet' ? toParquet(table) : toCsv(table));
    written.push(path);
  }
  return written;
}
