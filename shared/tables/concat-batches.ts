import { type Data, DataType, makeData, RecordBatch, type Schema, Struct } from 'apache-arrow';

/**
 * Record batches of one schema as one batch, each column's buffers concatenated (offsets rebased,
 * bitmaps re-packed). A segment gathers hundreds of seed blocks' batches; apache-arrow's IPC writer
 * encodes batch by batch and copies every small buffer on its own, which made committing a segment
 * of tiny runs cost about as much as running them (a CPU profile of the coordinator: its memcpy
 * and joinUint8Arrays). One batch is written as a few large copies. The rows are the same, cell
 * for cell (test/coordinator/concat-batches.test.ts reads both back with apache-arrow).
 * Columns of types not handled here (none in our tables) keep the batches apart: null is returned.
 */
export function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch | null {
  if (batches.length === 0) return null;
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const children: Data[] = [];
  for (let c = 0; c < schema.fields.length; c++) {
    const d = concatData(batches.map((b) => b.data.children[c]));
    if (d === null) return null;
    children.push(d);
  }
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

function concatData(parts: readonly Data[]): Data | null {
  const type = parts[0].type;
  // Values and offsets of a chunk start at its own start only when it is not a slice.
  if (parts.some((d) => d.offset !== 0)) return null;
  const length = parts.reduce((n, d) => n + d.length, 0);
  const nullCount = parts.reduce((n, d) => n + d.nullCount, 0);
  const nullBitmap = nullCount > 0 ? bits(parts, (d) => (d.nullCount > 0 ? d.nullBitmap : null)) : undefined;
  const base = { length, nullCount, nullBitmap };
  if (DataType.isFloat(type) || (DataType.isInt(type) && type.bitWidth <= 32)) {
    const first = parts[0].values as Float64Array | Int32Array;
    const values = new (first.constructor as Float64ArrayConstructor | Int32ArrayConstructor)(length);
    let at = 0;
    for (const d of parts) {
      values.set((d.values as Float64Array | Int32Array).subarray(0, d.length), at);
      at += d.length;
    }
    return makeData({ type, data: values, ...base } as never);
  }
  if (DataType.isBool(type))
    return makeData({ type, data: bits(parts, (d) => d.values as Uint8Array), ...base });
  if (DataType.isUtf8(type)) {
    const { valueOffsets, at } = offsets(parts);
    const data = new Uint8Array(at);
    let pos = 0;
    for (const d of parts) {
      const o = d.valueOffsets as Int32Array;
      data.set((d.values as Uint8Array).subarray(o[0], o[d.length]), pos);
      pos += o[d.length] - o[0];
    }
    return makeData({ type, valueOffsets, data, ...base });
  }
  if (DataType.isList(type) && DataType.isFloat(type.children[0].type)) {
    const { valueOffsets, at } = offsets(parts);
    const values = new Float64Array(at);
    let pos = 0;
    for (const d of parts) {
      const o = d.valueOffsets as Int32Array;
      values.set((d.children[0].values as Float64Array).subarray(o[0], o[d.length]), pos);
      pos += o[d.length] - o[0];
    }
    const child = makeData({ type: type.children[0].type, length: at, nullCount: 0, data: values });
    return makeData({ type, valueOffsets, child, ...base });
  }
  return null;
}

/** The parts' offsets, each rebased to where its values land; `at` is the values' total. */
function offsets(parts: readonly Data[]): { valueOffsets: Int32Array; at: number } {
  const length = parts.reduce((n, d) => n + d.length, 0);
  const valueOffsets = new Int32Array(length + 1);
  let row = 0;
  let at = 0;
  for (const d of parts) {
    const o = d.valueOffsets as Int32Array;
    for (let i = 1; i <= d.length; i++) valueOffsets[row + i] = at + o[i] - o[0];
    row += d.length;
    at += o[d.length] - o[0];
  }
  return { valueOffsets, at };
}

/**
 * Bit-packed buffers (least significant bit first) of the parts joined; a part without one (no
 * nulls) is all ones. Whole bytes are copied while the joined length is a multiple of 8.
 */
function bits(parts: readonly Data[], of: (d: Data) => Uint8Array | null | undefined): Uint8Array {
  const length = parts.reduce((n, d) => n + d.length, 0);
  const out = new Uint8Array((length + 7) >> 3);
  let at = 0;
  for (const d of parts) {
    const src = of(d);
    if (!src || src.length === 0) {
      for (let i = 0; i < d.length; i++) out[(at + i) >> 3] |= 1 << ((at + i) & 7);
    } else if ((at & 7) === 0) {
      out.set(src.subarray(0, (d.length + 7) >> 3), at >> 3);
      // Bits past the part's end in its last byte are not values: cleared for the next part.
      if (d.length & 7) out[(at + d.length) >> 3] &= (1 << (d.length & 7)) - 1;
    } else
      for (let i = 0; i < d.length; i++)
        if ((src[i >> 3] >> (i & 7)) & 1) out[(at + i) >> 3] |= 1 << ((at + i) & 7);
    at += d.length;
  }
  return out;
}
