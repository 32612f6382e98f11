import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Schema } from 'apache-arrow';
import type { FileBlock } from 'apache-arrow/ipc/metadata/file';
import type { RunsRef } from '../../shared/study/result.js';
import { FILE_HEAD, fileBlock, ipcFileTail } from '../../shared/tables/ipc-messages.js';
import { withPath, writeAll } from '../files.js';
import { crc32 } from './crc32.js';
import { segmentCommitted, segmentTmpPath, type WrittenPart } from './segments.js';

/**
 * The runs part of the next segment, written as seed blocks arrive: each block's record batch
 * message is appended to the part's temporary (segments.ts) at the flush that journals it, and
 * the journal holds only where it lies and its checksum (RunsRef). A commit appends the footer,
 * fsyncs and renames the file: a block's bytes are written once, not to the journal and then
 * again to a segment (at 10⁶ tiny runs the two writes had been most of the coordinator thread's
 * time). After a kill, a ref is read back from the temporary before recovery removes it
 * (readRunsRef).
 */
export class PendingRuns {
  private fd: number | null = null;
  private readonly buffered: Uint8Array[] = [];
  private readonly blocks: FileBlock[] = [];
  /** Bytes of the file, written and buffered. */
  private size = 0;
  private rowCount = 0;
  readonly path: string;

  constructor(
    dir: string,
    readonly seq: number,
  ) {
    this.path = segmentTmpPath(dir, 'runs', seq);
    this.append(FILE_HEAD);
  }

  /** Rows of the blocks added. */
  get rows(): number {
    return this.rowCount;
  }

  private append(bytes: Uint8Array): number {
    const at = this.size;
    this.buffered.push(bytes);
    this.size += bytes.byteLength;
    return at;
  }

  /** Adds a record batch message of `rows` rows (written at the next flush); its journal ref. */
  add(message: Uint8Array, rows: number): RunsRef {
    const offset = this.append(message);
    this.blocks.push(fileBlock(message, offset));
    this.rowCount += rows;
    return { kind: 'runs-ref', seq: this.seq, offset, bytes: message.byteLength, crc: crc32(message) };
  }

  /** Writes what was added since the last flush (before the journal records its refs). */
  flush(): void {
    if (this.buffered.length === 0) return;
    try {
      if (this.fd === null) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.fd = openSync(this.path, 'w');
      }
      writeAll(this.fd, this.buffered);
    } catch (e) {
      throw withPath(e, this.path);
    }
    this.buffered.length = 0;
  }

  /** Appends `more` batch messages and the footer, fsyncs and closes: the part segments.ts commits. */
  finish(schema: Schema, more: readonly Uint8Array[]): WrittenPart {
    for (const m of more) this.blocks.push(fileBlock(m, this.append(m)));
    for (const p of ipcFileTail(schema, this.blocks)) this.append(p);
    this.flush();
    try {
      fsyncSync(this.fd!);
    } catch (e) {
      throw withPath(e, this.path);
    } finally {
      closeSync(this.fd!);
      this.fd = null;
    }
    return { written: this.path };
  }

  /** Closes the file without finishing it (the sink is abandoned; recovery reads its refs). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * A journaled ref's record batch message, read back from its segment's temporary; 'committed'
 * when that segment was committed (its rows are in it), or why it cannot be read.
 */
export function readRunsRef(dir: string, ref: RunsRef): Uint8Array | 'committed' | string {
  if (segmentCommitted(dir, 'runs', ref.seq)) return 'committed';
  const path = segmentTmpPath(dir, 'runs', ref.seq);
  if (!existsSync(path)) return `its segment ${ref.seq} was neither committed nor left pending`;
  const bytes = new Uint8Array(ref.bytes);
  const fd = openSync(path, 'r');
  try {
    const got = readSync(fd, bytes, 0, ref.bytes, ref.offset);
    if (got !== ref.bytes)
      return `segment ${ref.seq}'s pending runs end before byte ${ref.offset + ref.bytes}`;
  } finally {
    closeSync(fd);
  }
  return crc32(bytes) === ref.crc ? bytes : `segment ${ref.seq}'s pending runs fail their checksum`;
}
