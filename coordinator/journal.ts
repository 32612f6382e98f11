import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { withPath, writeAll } from './files.js';
import { crc32 } from './store/crc32.js';

/** Every frame starts with these bytes, so a reader can find the next record after damage. */
const MAGIC = Buffer.from('SSJ\u0001', 'latin1');
const HEAD = 12;

/** Where a journal could not be read, and why (reported, never silent). */
export interface JournalDamage {
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface JournalScan<T> {
  readonly records: T[];
  /** Where each record's frame lies, for reports about it. */
  readonly frames: { readonly offset: number; readonly bytes: number }[];
  readonly damage: JournalDamage[];
  /** Bytes at the end that are the start of a record cut short (a kill during a write). */
  readonly tornTail: number;
}

/**
 * An append-only journal of results. Each record is a frame: 4 magic bytes, a little-endian u32
 * length, the CRC-32 of the payload, and a V8 structured-clone payload (exact for NaN, ±Infinity
 * and Float64Array, unlike JSON). `append` only encodes; `flush` hands every record appended since
 * to the OS in one write, and a result counts as done (a transport acks it) only after that, so a
 * kill loses only results not yet flushed, which were not acked either.
 *
 * Reading checks every frame's checksum and, past a damaged stretch, resynchronizes on the next
 * magic: one overwritten record costs that record, not every record after it, and the damage is
 * reported. A session truncates the journal once its records are in table segments, so a new
 * session never appends after a torn tail.
 */
export class Journal {
  private fd: number | null = null;
  private buffered: Buffer[] = [];

  constructor(readonly path: string) {}

  append(record: unknown): void {
    const payload = serialize(record);
    const head = Buffer.allocUnsafe(HEAD);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(payload.length, 4);
    head.writeUInt32LE(crc32(payload), 8);
    this.buffered.push(head, payload);
  }

  /** Writes every record appended since the last flush (nothing if there is none). */
  flush(): void {
    if (this.buffered.length === 0) return;
    this.fd ??= openSync(this.path, 'a');
    const parts = this.buffered;
    this.buffered = [];
    try {
      writeAll(this.fd, parts);
    } catch (e) {
      throw withPath(e, this.path);
    }
  }

  /** Empties the journal (its records are now in table segments), durably. */
  truncate(): void {
    this.flush();
    if (this.fd === null) {
      if (!existsSync(this.path)) return;
      this.fd = openSync(this.path, 'r+');
    }
    ftruncateSync(this.fd);
    fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Every intact record, in order (damage and a torn tail skipped). */
  static read<T>(path: string): T[] {
    return Journal.scan<T>(path).records;
  }

  /** Every intact record, with where and why the rest could not be read. */
  static scan<T>(path: string): JournalScan<T> {
    const records: T[] = [];
    const frames: { offset: number; bytes: number }[] = [];
    const damage: JournalDamage[] = [];
    if (!existsSync(path)) return { records, frames, damage, tornTail: 0 };
    const buf = readFileSync(path);
    let off = 0;
    let tornTail = 0;
    while (off < buf.length) {
      const why = frameProblem(buf, off);
      if (why === null) {
        const len = buf.readUInt32LE(off + 4);
        try {
          records.push(deserialize(buf.subarray(off + HEAD, off + HEAD + len)) as T);
          frames.push({ offset: off, bytes: HEAD + len });
          off += HEAD + len;
          continue;
        } catch (e) {
          damage.push({
            offset: off,
            bytes: HEAD + len,
            reason: `unreadable payload (${(e as Error).message})`,
          });
          off += HEAD + len;
          continue;
        }
      }
      const next = buf.indexOf(MAGIC, off + 1);
      if (why === 'torn' && next < 0) {
        tornTail = buf.length - off;
        break;
      }
      const end = next < 0 ? buf.length : next;
      damage.push({ offset: off, bytes: end - off, reason: why === 'torn' ? 'record cut short' : why });
      off = end;
    }
    return { records, frames, damage, tornTail };
  }
}

/** Why the frame at `off` is not a whole, intact record ('torn' if it runs past the end), or null. */
function frameProblem(buf: Buffer, off: number): string | null {
  if (off + HEAD > buf.length)
    return buf.subarray(off).equals(MAGIC.subarray(0, buf.length - off)) ? 'torn' : 'no record header';
  if (!buf.subarray(off, off + 4).equals(MAGIC)) return 'no record header';
  const len = buf.readUInt32LE(off + 4);
  if (off + HEAD + len > buf.length) return 'torn';
  if (crc32(buf.subarray(off + HEAD, off + HEAD + len)) !== buf.readUInt32LE(off + 8))
    return 'checksum mismatch';
  return null;
}
