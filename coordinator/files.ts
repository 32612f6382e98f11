import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file so that readers see the old content or the new, never a part: temp, fsync, rename. */
export function atomicWrite(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw withPath(e, path);
  }
}

/**
 * Writes `parts` at the file's position, in order, in as few system calls as the OS allows
 * (writev): no joined copy of them first (a segment's and a journal's megabytes had been copied
 * once more only to be written).
 */
export function writeAll(fd: number, parts: readonly Uint8Array[]): void {
  const rest = parts.filter((p) => p.byteLength > 0);
  let i = 0;
  while (i < rest.length) {
    // writev takes at most IOV_MAX (1024 on Linux) buffers a call.
    let wrote = writevSync(fd, rest.slice(i, i + 1024));
    while (i < rest.length && wrote >= rest[i].byteLength) wrote -= rest[i++].byteLength;
    if (wrote > 0) rest[i] = rest[i].subarray(wrote);
  }
}

/**
 * A write's system error (ENOSPC, EIO) names no file, only the syscall: add the file it was
 * writing, so that the one line a user sees (coordinator/cli.ts) says where.
 */
export function withPath(e: unknown, path: string): unknown {
  const x = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof x.code === 'string' && x.path === undefined) {
    x.path = path;
    x.message = `${x.message} (writing ${path})`;
  }
  return e;
}

/**
 * `mkdir -p` whose error says why: Node's recursive mkdir reports a read-only file system or a
 * denied permission under an existing parent as ENOENT. On failure the first missing component is
 * made alone, which throws the real reason (EROFS, EACCES) with its path.
 */
export function makeDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    let first = path;
    while (!existsSync(dirname(first)) && dirname(first) !== first) first = dirname(first);
    if (!existsSync(first)) mkdirSync(first);
    throw e;
  }
}
