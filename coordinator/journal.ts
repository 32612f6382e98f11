import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/**
 * An append-only journal of results: each record is a 4-byte little-endian length and a V8
 * structured-clone payload (exact for NaN, ±Infinity and Float64Array, unlike JSON). `append`
 * only encodes a record; `flush` hands every record appended since to the OS in one write, and a
 * result counts as done (a transport acks it) only after that. A killed process thus loses only
 * results not yet flushed, which were not acked either; a record cut short by the kill is
 * recognized by its length and dropped on reading. One write per batch rather than per record:
 * the write had been about a tenth of the coordinator's CPU on the no-op throughput benchmark
 * (perf record of a coordinator, test/bench/nats.bench.ts's study).
 */
export class Journal {
  private fd: number | null = null;
  private buffered: Buffer[] = [];

  constructor(readonly path: string) {}

  append(record: unknown): void {
    const payload = serialize(record);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(payload.length, 0);
    this.buffered.push(head, payload);
  }

  /** Writes every record appended since the last flush (nothing if there is none). */
  flush(): void {
    if (this.buffered.length === 0) return;
    this.fd ??= openSync(this.path, 'a');
    const buf = Buffer.concat(this.buffered);
    this.buffered = [];
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    this.flush();
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
