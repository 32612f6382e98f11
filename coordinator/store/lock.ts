import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/study/errors.js';

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per out dir: two runs into one dir would both compute the same tasks. The lock is a
 * file created exclusively, naming its holder; a holder on this host whose process is gone (a
 * SIGKILL) left a stale lock, which is taken over.
 */
export class OutDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): OutDirLock {
    const path = join(dir, '.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return new OutDirLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder: Holder | null = null;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
      } catch {
        // An empty or torn lock file: its writer died while creating it.
      }
      if (holder && (holder.host !== hostname() || alive(holder.pid)))
        throw new InputError(
          `out dir ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); wait for it, or remove ${path} if that process is gone`,
        );
      unlinkSync(path);
    }
    throw new InputError(`out dir ${dir}: could not take its lock ${path}`);
  }

  release(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
