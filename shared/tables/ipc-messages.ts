import type { Data, Schema } from 'apache-arrow';
import { FileBlock, Footer } from 'apache-arrow/ipc/metadata/file';
import {
  BufferRegion,
  FieldNode,
  Message,
  RecordBatch as RecordBatchHeader,
} from 'apache-arrow/ipc/metadata/message';
import type { Column } from '../study/columns.js';
import { arrowSchema } from './arrow-schema.js';

/**
 * Arrow IPC messages written from column buffers, and IPC streams and files put together from
 * messages without decoding them: the bytes apache-arrow's writers produce (its own metadata
 * encoders write the flatbuffers; test/shared/ipc-messages.test.ts compares tableToIPC's bytes).
 * apache-arrow's writer took about 1 µs a row of a tiny run's record batch, a quarter of a
 * millisecond a batch before the first row, and re-encoded at every segment what the pool threads
 * had encoded: these copy each buffer once.
 */

/** One column of a record batch: Arrow's buffers, in the order the format lists them. */
export interface ColumnBuffers {
  readonly nullCount: number;
  /** Bit i set when cell i is not null; unused (written empty) when nullCount is 0. */
  readonly validity: Uint8Array | null;
  /** utf8 and list columns: length + 1 offsets. */
  readonly offsets?: Int32Array;
  /** Fixed-width values (f64, i32, packed bools) or utf8 bytes; absent for a list. */
  readonly values?: ArrayBufferView;
  /** A list's child column (its values: no nulls) and the child's length. */
  readonly child?: { readonly length: number; readonly values: ArrayBufferView };
}

const EMPTY = new Uint8Array(0);
const CONTINUATION = 0xffffffff;
/** "ARROW1": the Arrow file format's magic, at both ends. */
const MAGIC = Uint8Array.from('ARROW1', (c) => c.charCodeAt(0));

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const pad8 = (n: number) => (n + 7) & ~7;

/** A message framed as the stream format writes it: continuation, length, flatbuffer, padding, body. */
function framed(metadata: Uint8Array, bodyLength: number): { bytes: Uint8Array; bodyAt: number } {
  const aligned = pad8(metadata.byteLength + 8);
  const bytes = new Uint8Array(aligned + bodyLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, aligned - 8, true);
  bytes.set(metadata, 8);
  return { bytes, bodyAt: aligned };
}

/** The schema message of a stream. */
export function schemaMessage(schema: Schema): Uint8Array {
  return framed(Message.encode(Message.from(schema)), 0).bytes;
}

/** Each column list's schema message (arrow-schema.ts's schema), encoded once. */
const schemas = new WeakMap<readonly Column[], Uint8Array>();
export function columnsSchemaMessage(columns: readonly Column[]): Uint8Array {
  let s = schemas.get(columns);
  if (s === undefined) {
    s = schemaMessage(arrowSchema(columns));
    schemas.set(columns, s);
  }
  return s;
}

/** A record batch message of `length` rows from its columns' buffers (in schema order). */
export function recordBatchMessage(length: number, columns: readonly ColumnBuffers[]): Uint8Array {
  const nodes: FieldNode[] = [];
  const buffers: Uint8Array[] = [];
  const regions: BufferRegion[] = [];
  let body = 0;
  const add = (b: Uint8Array) => {
    buffers.push(b);
    regions.push(new BufferRegion(body, pad8(b.byteLength)));
    body += pad8(b.byteLength);
  };
  for (const c of columns) {
    nodes.push(new FieldNode(length, c.nullCount));
    add(c.nullCount > 0 && c.validity ? c.validity : EMPTY);
    if (c.offsets) add(bytesOf(c.offsets));
    if (c.child) {
      nodes.push(new FieldNode(c.child.length, 0));
      add(EMPTY);
      add(bytesOf(c.child.values));
    } else if (c.values) add(bytesOf(c.values));
  }
  const header = new RecordBatchHeader(length, nodes, regions, null);
  const { bytes, bodyAt } = framed(Message.encode(Message.from(header, body)), body);
  for (let i = 0; i < buffers.length; i++) bytes.set(buffers[i], bodyAt + regions[i].offset);
  return bytes;
}

/** A column's buffers as apache-arrow's Data of an unsliced column holds them. */
export function columnBuffersOf(data: Data): ColumnBuffers {
  const child = data.children[0];
  return {
    nullCount: data.nullCount,
    validity: data.nullBitmap ?? null,
    offsets: data.valueOffsets as Int32Array | undefined,
    values: child ? undefined : data.values,
    child: child ? { length: child.length, values: child.values } : undefined,
  };
}

/** The end-of-stream marker. */
const EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/** An IPC stream: the schema message, the record batch messages, the end-of-stream marker. */
export function ipcStream(schema: Uint8Array, batches: readonly Uint8Array[]): Uint8Array {
  return concat([schema, ...batches, EOS]);
}

/** A message of a stream: its framed bytes (a view) and, for a record batch, its rows. */
export interface StreamMessage {
  readonly bytes: Uint8Array;
  readonly rows: number | null;
}

/** The messages of an IPC stream, in order (the first is the schema's). */
export function streamMessages(stream: Uint8Array): StreamMessage[] {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const out: StreamMessage[] = [];
  let at = 0;
  for (;;) {
    if (at + 8 > stream.byteLength) throw new Error('Arrow IPC stream: ends inside a message prefix');
    if (view.getUint32(at, true) !== CONTINUATION)
      throw new Error(`Arrow IPC stream: no continuation marker at byte ${at}`);
    const meta = view.getInt32(at + 4, true);
    if (meta === 0) return out;
    const end = at + 8 + meta;
    if (meta < 0 || end > stream.byteLength)
      throw new Error(`Arrow IPC stream: a message at byte ${at} runs past the end`);
    const message = Message.decode(stream.subarray(at + 8, end));
    const body = Number(message.bodyLength);
    if (end + body > stream.byteLength)
      throw new Error(`Arrow IPC stream: a message body at byte ${end} runs past the end`);
    const rows = message.isRecordBatch() ? Number(message.header().length) : null;
    out.push({ bytes: stream.subarray(at, end + body), rows });
    at = end + body;
  }
}

/**
 * An IPC file of record batch messages (each framed as in a stream), laid out as apache-arrow's
 * file writer lays it out: magic, the batches, the end-of-stream marker, the footer (schema and
 * each batch's place), its length and the magic again; as its parts, for a writer that takes them
 * as they are (writev).
 */
export function ipcFileParts(schema: Schema, batches: readonly Uint8Array[]): Uint8Array[] {
  const blocks: FileBlock[] = [];
  let at = FILE_HEAD.byteLength;
  for (const b of batches) {
    blocks.push(fileBlock(b, at));
    at += b.byteLength;
  }
  return [FILE_HEAD, ...batches, ...ipcFileTail(schema, blocks)];
}

/** What an IPC file starts with: the magic and its padding to 8 bytes. */
export const FILE_HEAD = Uint8Array.of(...MAGIC, 0, 0);

/** Where a framed record batch message lies in a file, as the footer lists it. */
export function fileBlock(message: Uint8Array, offset: number): FileBlock {
  const meta = new DataView(message.buffer, message.byteOffset, 8).getInt32(4, true) + 8;
  return new FileBlock(meta, message.byteLength - meta, offset);
}

/** What an IPC file ends with after its batches: end of stream, the footer, its length, the magic. */
export function ipcFileTail(schema: Schema, blocks: readonly FileBlock[]): Uint8Array[] {
  const footer = Footer.encode(new Footer(schema, undefined, [...blocks], []));
  const size = new Uint8Array(4);
  new DataView(size.buffer).setInt32(0, footer.byteLength, true);
  return [EOS, footer, size, MAGIC];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
