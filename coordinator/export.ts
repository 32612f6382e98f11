import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';
import { type RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { InputError } from '../shared/study/errors.js';
import { atomicWrite } from './files.js';
import { readManifest } from './out-dir.js';
import { fileBatches, segmentFiles, type TableName } from './store/segments.js';
import { variantsPath } from './store/variants.js';

export type ExportFormat = 'parquet' | 'csv';

/** Parquet through parquet-wasm (Arrow in, zstd-compressed Parquet out): pandas, polars, DuckDB, Spark read it. */
export function toParquet(table: Table): Uint8Array {
  const props = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setCreatedBy('saddlescope')
    .build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
}

/** RFC 4180 CSV lines of a batch; list columns as JSON arrays, non-finite floats as NaN / Infinity / -Infinity. */
function csvLines(batch: RecordBatch | Table, names: readonly string[]): string {
  const cols = names.map((n) => batch.getChild(n));
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    if (typeof v === 'object' && 'toArray' in (v as object))
      return cell(`[${Array.from((v as { toArray(): ArrayLike<number> }).toArray()).join(',')}]`);
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let out = '';
  for (let i = 0; i < batch.numRows; i++) out += `${cols.map((c) => cell(c?.get(i))).join(',')}\n`;
  return out;
}

/** A whole table as CSV text (header first). */
export function toCsv(table: Table): string {
  const names = table.schema.fields.map((f) => f.name);
  return `${names.join(',')}\n${csvLines(table, names)}`;
}

/**
 * Writes every table of an out dir for tools without an Arrow IPC reader, streaming segment by
 * segment (memory: one segment): Parquet as one file per segment, DIR/export/<table>/part-N.parquet
 * (a dataset: DuckDB reads 'export/runs/*.parquet'), CSV as one file per table. Returns the paths.
 */
export function exportStudy(dir: string, format: ExportFormat, outDir = join(dir, 'export')): string[] {
  const manifest = readManifest(dir);
  if (format !== 'parquet' && format !== 'csv')
    throw new InputError(`--format must be parquet or csv, not '${format}'`);
  // Written aside and moved in once whole: a damaged segment found halfway leaves no partial export.
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let written: string[];
  try {
    written = writeExport(dir, manifest.spec.trials !== undefined, format, staging);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  mkdirSync(outDir, { recursive: true });
  for (const entry of readdirSync(staging)) {
    rmSync(join(outDir, entry), { recursive: true, force: true });
    renameSync(join(staging, entry), join(outDir, entry));
  }
  rmSync(staging, { recursive: true, force: true });
  return written.map((p) => join(outDir, relative(staging, p)));
}

function writeExport(dir: string, trials: boolean, format: ExportFormat, outDir: string): string[] {
  const tables: TableName[] = trials ? ['trials'] : ['runs', 'history'];
  const written: string[] = [];
  for (const name of tables) {
    const files = segmentFiles(dir, name);
    if (format === 'parquet') {
      const to = join(outDir, name);
      mkdirSync(to, { recursive: true });
      for (const f of files) {
        const path = join(to, basename(f).replace(/\.arrow$/, '.parquet'));
        atomicWrite(path, toParquet(new Table([...fileBatches(f)])));
        written.push(path);
      }
    } else {
      mkdirSync(outDir, { recursive: true });
      const path = join(outDir, `${name}.csv`);
      const tmp = `${path}.tmp-${process.pid}`;
      const fd = openSync(tmp, 'w');
      try {
        let header = false;
        for (const f of files)
          for (const b of fileBatches(f)) {
            const names = b.schema.fields.map((x) => x.name);
            if (!header) writeSync(fd, `${names.join(',')}\n`);
            header = true;
            writeSync(fd, csvLines(b, names));
          }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      written.push(path);
    }
  }
  if (existsSync(variantsPath(dir))) {
    mkdirSync(outDir, { recursive: true });
    const variants = tableFromIPC(readFileSync(variantsPath(dir)));
    const path = join(outDir, `variants.${format}`);
    atomicWrite(path, format === 'parquet' ? toParquet(variants) : toCsv(variants));
    written.push(path);
  }
  return written;
}
