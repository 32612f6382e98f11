import { Buffer } from 'node:buffer';
import { Bool, type Data, Float64, Int32, type List, makeData, Utf8 } from 'apache-arrow';
import { type Column, isIdentifier } from '../study/columns.js';
import { arrowType } from './arrow-schema.js';

type Row = Record<string, unknown>;

/**
 * One column of row objects as Arrow data, its buffers written directly: values, a validity bitmap
 * (bit i set when cell i is not null, least significant bit first) and, for utf8 and f64[], the
 * offsets. apache-arrow's builders (`vectorFromArray`) are several times slower on the runs and
 * history tables, a cost paid at the end of every study; test/bench/tables.bench.ts prints the
 * ratio against them.
 * test/coordinator/column-data.test.ts checks them cell by cell against the builders.
 */
export function columnData(col: Column, rows: readonly Row[]): Data {
  return cellData(col, cellsOf(col.name)(rows));
}

/** One column as Arrow data from its cells (null or the column's type), as columnData builds it. */
export function cellData(col: Column, cells: readonly unknown[]): Data {
  const n = cells.length;
  let nulls = 0;
  for (let i = 0; i < n; i++) if (cells[i] === null) nulls++;
  if (!col.nullable && nulls > 0)
    throw new Error(`column ${col.name} is not nullable but has ${nulls} null(s)`);
  const nullBitmap = nulls > 0 ? validity(cells) : new Uint8Array(0);
  const base = { length: n, nullCount: nulls, nullBitmap };
  switch (col.type) {
    case 'f64': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) if (cells[i] !== null) data[i] = cells[i] as number;
      return makeData({ type: new Float64(), data, ...base });
    }
    case 'i32': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) if (cells[i] !== null) data[i] = cells[i] as number;
      return makeData({ type: new Int32(), data, ...base });
    }
    case 'bool': {
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (cells[i] === true) data[i >> 3] |= 1 << (i & 7);
      return makeData({ type: new Bool(), data, ...base });
    }
    case 'utf8':
      return utf8Data(cells, base);
    case 'f64[]':
      return listData(cells, col, base);
  }
}

/**
 * The cells of one column (undefined as null), read by a function with the column's name written
 * in: a read by a variable name (`rows[i][name]`) goes through V8's megamorphic keyed load for a
 * table's forty names, the largest part of building a tiny run's columns (tables.bench.ts).
 */
const readers = new Map<string, (rows: readonly Row[]) => unknown[]>();
function cellsOf(name: string): (rows: readonly Row[]) => unknown[] {
  let read = readers.get(name);
  if (read === undefined) {
    if (!isIdentifier(name)) throw new Error(`column name ${name} is not an identifier`);
    read = new Function(
      'rows',
      `const n = rows.length, c = new Array(n); for (let i = 0; i < n; i++) c[i] = rows[i].${name} ?? null; return c;`,
    ) as (rows: readonly Row[]) => unknown[];
    readers.set(name, read);
  }
  return read;
}

/** Bit i set when cell i is not null, least significant bit first. */
export function validity(cells: readonly unknown[]): Uint8Array {
  const bits = new Uint8Array((cells.length + 7) >> 3);
  for (let i = 0; i < cells.length; i++) if (cells[i] !== null) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

interface Base {
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array;
}

function utf8Data(cells: readonly unknown[], base: Base): Data {
  const n = cells.length;
  const valueOffsets = new Int32Array(n + 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    if (cells[i] !== null) bytes += Buffer.byteLength(cells[i] as string, 'utf8');
    valueOffsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  const text = Buffer.from(data.buffer, data.byteOffset, bytes);
  for (let i = 0; i < n; i++) {
    const v = cells[i] as string | null;
    if (v === null) continue;
    const at = valueOffsets[i];
    // A short ASCII text (ids, labels, statuses) byte by byte: Buffer.write's call into C++
    // costs more than its copy; the same text as the row before (a block's constant columns)
    // is copied from there.
    if (i > 0 && v === cells[i - 1]) data.copyWithin(at, valueOffsets[i - 1], at);
    else if (v.length === valueOffsets[i + 1] - at && v.length <= 64)
      for (let j = 0; j < v.length; j++) data[at + j] = v.charCodeAt(j);
    else text.write(v, at, 'utf8');
  }
  return makeData({ type: new Utf8(), valueOffsets, data, ...base });
}

function listData(cells: readonly unknown[], col: Column, base: Base): Data {
  const n = cells.length;
  const valueOffsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (cells[i] !== null) total += (cells[i] as ArrayLike<number>).length;
    valueOffsets[i + 1] = total;
  }
  const values = new Float64Array(total);
  for (let i = 0; i < n; i++)
    if (cells[i] !== null) values.set(cells[i] as ArrayLike<number>, valueOffsets[i]);
  const type = arrowType(col.type) as List<Float64>;
  const child = makeData({ type: type.valueType, length: total, nullCount: 0, data: values });
  return makeData({ type, valueOffsets, child, ...base });
}
