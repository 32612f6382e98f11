import { type Data, DataType, type Vector } from 'apache-arrow';

/**
 * The cells of one column as plain values, read from its buffers: numbers (64-bit integers as
 * numbers), booleans, strings, Float64Array for f64[] cells, null where the validity bitmap says
 * so — what `vector.get(i)` gives cell by cell, lists copied to a Float64Array. `get` dispatches
 * through apache-arrow's visitor for every cell, which made reading an out dir's rows (summary,
 * report, replay) cost more than everything else a summary does (measured on the summary of a
 * 10⁶-run study; the figures are in the commit message). test/coordinator/column-data.test.ts
 * checks these cells against `get`. Types without a reader here fall back to `get`.
 */
export function columnCells(vector: Vector): unknown[] {
  const out = new Array<unknown>(vector.length);
  let at = 0;
  for (const d of vector.data) {
    readData(d, out, at, vector);
    at += d.length;
  }
  return out;
}

function valid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3] >> (j & 7)) & 1) === 1;
}

/**
 * One chunk into out[at …]. As apache-arrow's own readers do, values and offsets are indexed from
 * the chunk's start (a slice's buffers already begin there); bit-packed buffers (validity, bool)
 * from its `offset`.
 */
function readData(d: Data, out: unknown[], at: number, vector: Vector): void {
  const n = d.length;
  const type = d.type;
  if (DataType.isFloat(type) || (DataType.isInt(type) && type.bitWidth <= 32)) {
    const values = d.values as Float64Array | Int32Array;
    for (let i = 0; i < n; i++) out[at + i] = valid(d, i) ? values[i] : null;
  } else if (DataType.isBool(type)) {
    const bits = d.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      const j = d.offset + i;
      out[at + i] = valid(d, i) ? ((bits[j >> 3] >> (j & 7)) & 1) === 1 : null;
    }
  } else if (DataType.isUtf8(type)) {
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const decoder = new TextDecoder();
    let prevStart = -1;
    let prevEnd = -1;
    let prev = '';
    for (let i = 0; i < n; i++) {
      if (!valid(d, i)) {
        out[at + i] = null;
        continue;
      }
      const start = offsets[i];
      const end = offsets[i + 1];
      // A column's repeated texts (a configuration, a status) decoded once a run of them.
      if (end - start === prevEnd - prevStart && sameBytes(bytes, start, prevStart, end - start)) {
        out[at + i] = prev;
        continue;
      }
      prev = decoder.decode(bytes.subarray(start, end));
      prevStart = start;
      prevEnd = end;
      out[at + i] = prev;
    }
  } else if (DataType.isList(type) && DataType.isFloat(type.children[0].type)) {
    const offsets = d.valueOffsets as Int32Array;
    const values = d.children[0].values as Float64Array;
    for (let i = 0; i < n; i++) out[at + i] = valid(d, i) ? values.slice(offsets[i], offsets[i + 1]) : null;
  } else {
    // 64-bit integers, dictionaries and anything else: apache-arrow's own reader.
    let base = 0;
    for (const x of vector.data) {
      if (x === d) break;
      base += x.length;
    }
    for (let i = 0; i < n; i++) {
      const v = vector.get(base + i);
      out[at + i] = typeof v === 'bigint' ? Number(v) : v;
    }
  }
}

function sameBytes(b: Uint8Array, x: number, y: number, n: number): boolean {
  if (y < 0) return false;
  for (let k = 0; k < n; k++) if (b[x + k] !== b[y + k]) return false;
  return true;
}
