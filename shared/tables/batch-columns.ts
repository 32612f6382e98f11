import { type Column, emptyCell } from '../study/columns.js';
import { cellData } from './column-data.js';
import {
  type ColumnBuffers,
  columnBuffersOf,
  columnsSchemaMessage,
  ipcStream,
  recordBatchMessage,
} from './ipc-messages.js';
import { textBuffers } from './text-buffers.js';

/**
 * A numeric column filled cell by cell into its Arrow buffers: no boxed number per cell (an array
 * of a tiny run's forty cells had been most of what its block allocated). Cells start as the
 * column's empty cell (emptyCell).
 */
export class NumberCells {
  readonly values: Float64Array | Int32Array;
  /** Bit i set when cell i is not null (nullable columns only). */
  readonly validity: Uint8Array | null;

  constructor(col: Column, length: number) {
    this.values = col.type === 'f64' ? new Float64Array(length) : new Int32Array(length);
    const empty = emptyCell(col);
    if (empty !== null) this.values.fill(empty as number);
    this.validity = col.nullable ? new Uint8Array((length + 7) >> 3).fill(empty === null ? 0 : 0xff) : null;
  }

  set(i: number, v: number): void {
    this.values[i] = v;
    if (this.validity) this.validity[i >> 3] |= 1 << (i & 7);
  }

  get(i: number): number | null {
    return this.validity && !(this.validity[i >> 3] & (1 << (i & 7))) ? null : this.values[i];
  }

  setNull(i: number): void {
    if (!this.validity) throw new Error('setNull on a column that is not nullable');
    this.values[i] = 0;
    this.validity[i >> 3] &= ~(1 << (i & 7));
  }
}

/** A bool column filled cell by cell into its packed values and validity. */
export class BoolCells {
  readonly values: Uint8Array;
  readonly validity: Uint8Array | null;

  constructor(col: Column, length: number) {
    const bytes = (length + 7) >> 3;
    const empty = emptyCell(col);
    this.values = new Uint8Array(bytes).fill(empty === true ? 0xff : 0);
    this.validity = col.nullable ? new Uint8Array(bytes).fill(empty === null ? 0 : 0xff) : null;
  }

  get(i: number): boolean | null {
    const bit = 1 << (i & 7);
    return this.validity && !(this.validity[i >> 3] & bit) ? null : (this.values[i >> 3] & bit) !== 0;
  }

  setNull(i: number): void {
    if (!this.validity) throw new Error('setNull on a column that is not nullable');
    this.values[i >> 3] &= ~(1 << (i & 7));
    this.validity[i >> 3] &= ~(1 << (i & 7));
  }

  set(i: number, v: boolean): void {
    if (v) this.values[i >> 3] |= 1 << (i & 7);
    else this.values[i >> 3] &= ~(1 << (i & 7));
    if (this.validity) this.validity[i >> 3] |= 1 << (i & 7);
  }
}

/**
 * A utf8 column whose every cell is ASCII of one width (a task id): its bytes written in place, the
 * offsets implied; a hash can write its hex digits here without making a string.
 */
export class FixedTextCells {
  readonly bytes: Uint8Array;

  constructor(
    readonly width: number,
    length: number,
  ) {
    this.bytes = new Uint8Array(width * length);
  }

  set(i: number, text: string): void {
    const bad = () => new Error(`a ${this.width}-character ASCII column given ${JSON.stringify(text)}`);
    if (text.length !== this.width) throw bad();
    for (let j = 0, at = i * this.width; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c > 0x7f) throw bad();
      this.bytes[at + j] = c;
    }
  }
}

/**
 * An f64[] column filled in row order into one values buffer and its offsets: no typed array a
 * cell. A row not set before a later one is (or before the batch is encoded) holds the empty cell.
 */
export class ListCells {
  private values: Float64Array;
  private readonly offsets: Int32Array;
  readonly validity: Uint8Array | null;
  /** Rows before this have their offsets. */
  private next = 0;

  constructor(
    col: Column,
    readonly length: number,
  ) {
    this.values = new Float64Array(2 * length);
    this.offsets = new Int32Array(length + 1);
    this.validity = col.nullable ? new Uint8Array((length + 7) >> 3) : null;
  }

  /** Rows next … i − 1 keep their empty cell (null, or [] when not nullable); the last row set may be set again. */
  private skipTo(i: number): void {
    if (i === this.next - 1 && this.validity) this.validity[i >> 3] &= ~(1 << (i & 7));
    if (i === this.next - 1) this.next = i;
    if (i < this.next) throw new Error(`list cells are set in row order: row ${i} after ${this.next - 1}`);
    const at = this.offsets[this.next];
    for (; this.next < i; this.next++) this.offsets[this.next + 1] = at;
  }

  private room(extra: number): number {
    const at = this.offsets[this.next];
    if (at + extra > this.values.length) {
      const grown = new Float64Array(Math.max(2 * this.values.length, at + extra));
      grown.set(this.values.subarray(0, at));
      this.values = grown;
    }
    return at;
  }

  set(i: number, cell: ArrayLike<number>): void {
    this.skipTo(i);
    const at = this.room(cell.length);
    for (let j = 0; j < cell.length; j++) this.values[at + j] = cell[j];
    this.close(i, at + cell.length);
  }

  /** Row i's cell [a, b]. */
  set2(i: number, a: number, b: number): void {
    this.skipTo(i);
    const at = this.room(2);
    this.values[at] = a;
    this.values[at + 1] = b;
    this.close(i, at + 2);
  }

  setNull(i: number): void {
    if (!this.validity) throw new Error('setNull on a column that is not nullable');
    this.skipTo(i);
    this.offsets[i + 1] = this.offsets[i];
    this.next = i + 1;
  }

  private close(i: number, end: number): void {
    this.offsets[i + 1] = end;
    if (this.validity) this.validity[i >> 3] |= 1 << (i & 7);
    this.next = i + 1;
  }

  buffers(): ColumnBuffers {
    this.skipTo(this.length);
    const n = this.offsets[this.length];
    const validity = this.validity;
    return {
      nullCount: validity ? this.length - ones(validity, this.length) : 0,
      validity,
      offsets: this.offsets,
      child: { length: n, values: this.values.subarray(0, n) },
    };
  }
}

type Cells = NumberCells | BoolCells | FixedTextCells | ListCells | unknown[];

/**
 * The columns of one record batch of `length` rows, filled in place: numbers and bools straight
 * into their buffers, texts and lists as cells (references, not boxed numbers) encoded at the
 * end as column-data.ts encodes them. `stream()` is the batch as an Arrow IPC stream, the bytes
 * tableToIPC writes for the same cells (test/shared/ipc-messages.test.ts).
 */
export class BatchColumns {
  private readonly cells = new Map<string, Cells>();

  /**
   * `fixedWidth` names utf8 columns whose cells are all ASCII of one width (FixedTextCells);
   * `lists` names f64[] columns filled in row order (ListCells). Other utf8 and f64[] columns hold
   * their cells as references.
   */
  constructor(
    private readonly columns: readonly Column[],
    readonly length: number,
    layout: { fixedWidth?: Readonly<Record<string, number>>; lists?: readonly string[] } = {},
  ) {
    for (const c of columns) {
      const width = layout.fixedWidth?.[c.name];
      if (width !== undefined && (c.type !== 'utf8' || c.nullable))
        throw new Error(`column ${c.name}: fixed-width text is for utf8 columns that are not nullable`);
      if (layout.lists?.includes(c.name) && (c.type !== 'f64[]' || c.empty !== undefined))
        throw new Error(`column ${c.name}: list cells are for f64[] columns`);
      this.cells.set(
        c.name,
        c.type === 'f64' || c.type === 'i32'
          ? new NumberCells(c, length)
          : c.type === 'bool'
            ? new BoolCells(c, length)
            : width !== undefined
              ? new FixedTextCells(width, length)
              : layout.lists?.includes(c.name)
                ? new ListCells(c, length)
                : new Array(length).fill(emptyCell(c)),
      );
    }
  }

  private get(name: string): Cells {
    const c = this.cells.get(name);
    if (c === undefined) throw new Error(`no column ${name}`);
    return c;
  }

  numbers(name: string): NumberCells {
    const c = this.get(name);
    if (!(c instanceof NumberCells)) throw new Error(`column ${name} is not f64 or i32`);
    return c;
  }

  bools(name: string): BoolCells {
    const c = this.get(name);
    if (!(c instanceof BoolCells)) throw new Error(`column ${name} is not bool`);
    return c;
  }

  /** The cells of a utf8 or f64[] column (strings, typed arrays or null). */
  refs(name: string): unknown[] {
    const c = this.get(name);
    if (!Array.isArray(c)) throw new Error(`column ${name} is not utf8 or f64[] held as references`);
    return c;
  }

  fixedText(name: string): FixedTextCells {
    const c = this.get(name);
    if (!(c instanceof FixedTextCells)) throw new Error(`column ${name} is not fixed-width text`);
    return c;
  }

  lists(name: string): ListCells {
    const c = this.get(name);
    if (!(c instanceof ListCells)) throw new Error(`column ${name} is not list cells`);
    return c;
  }

  /** Row i's cells from a row object (a missing cell is null). */
  setRow(i: number, row: Readonly<Record<string, unknown>>): void {
    for (const col of this.columns) {
      const c = this.cells.get(col.name)!;
      const v = row[col.name] ?? null;
      if (Array.isArray(c)) c[i] = v;
      else if (c instanceof FixedTextCells) c.set(i, v as string);
      else if (c instanceof ListCells) v === null ? c.setNull(i) : c.set(i, v as ArrayLike<number>);
      else if (v === null) c.setNull(i);
      else if (c instanceof BoolCells) c.set(i, v as boolean);
      else c.set(i, v as number);
    }
  }

  /** The columns' buffers, in schema order. */
  buffers(): ColumnBuffers[] {
    return this.columns.map((col) => {
      const c = this.cells.get(col.name)!;
      if (Array.isArray(c))
        return col.type === 'utf8' ? textBuffers(col, c) : columnBuffersOf(cellData(col, c));
      if (c instanceof ListCells) return c.buffers();
      if (c instanceof FixedTextCells) {
        const offsets = new Int32Array(this.length + 1);
        for (let i = 0; i <= this.length; i++) offsets[i] = i * c.width;
        return { nullCount: 0, validity: null, offsets, values: c.bytes };
      }
      const validity = c.validity;
      if (validity) clearTail(validity, this.length);
      if (c instanceof BoolCells) clearTail(c.values, this.length);
      const nullCount = validity ? this.length - ones(validity, this.length) : 0;
      return { nullCount, validity, values: c.values };
    });
  }

  /** The batch as an Arrow IPC stream (schema, one record batch, end of stream). */
  stream(): Uint8Array {
    return ipcStream(columnsSchemaMessage(this.columns), [recordBatchMessage(this.length, this.buffers())]);
  }
}

/** Unset the bits past the first `n` (apache-arrow's bitmaps leave them 0). */
function clearTail(bits: Uint8Array, n: number): void {
  if (n & 7) bits[n >> 3] &= (1 << (n & 7)) - 1;
}

/** Set bits among the first `n` of a bitmap. */
function ones(bits: Uint8Array, n: number): number {
  let count = 0;
  for (let i = 0; i < n >> 3; i++) {
    let b = bits[i];
    b -= (b >> 1) & 0x55;
    b = (b & 0x33) + ((b >> 2) & 0x33);
    count += (b + (b >> 4)) & 0x0f;
  }
  for (let i = n & ~7; i < n; i++) count += (bits[i >> 3] >> (i & 7)) & 1;
  return count;
}
