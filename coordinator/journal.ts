import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/**
 * An append-only journal of results: each record is a 4-byte little-endian length and a V8
 * structured-clone payload (exact for NaN, ±Infinity and Float64Array, unlike JSON). A write is
 * handed to the OS before the result counts as done, so a killed process loses only results still
 * in flight; a record cut short by the kill is recognized by its length and dropped on reading.
 */
export class Journal {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  append(record: unknown): void {
    this.fd ??= openSync(this.path, 'a');
    const payload = serialize(record);
    const buf = Buffer.allocUnsafe(4 + payload.length);
    buf.writeUInt32LE(payload.length, 0);
    payload.copy(buf, 4);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Every complete record, in order; a torn tail is ignored. */
  static read<T>(path: string): T[] {
    if (!existsSync(path)) return [];
    const buf = readFileSync(path);
    const out: T[] = [];
    let off = 0;
    while (off + 4 <= buf.length) {
      const len = buf.readUInt32LE(off);
      if (off + 4 + len > buf.length) break;
      try {
        out.push(deserialize(buf.subarray(off + 4, off + 4 + len)) as T);
      } catch {
        break;
      }
      off += 4 + len;
    }
    return out;
  }
}
