import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CLI, collect, REPO, tempDir, writeSpec } from '../helpers/cli.js';

/**
 * Issue 22, item 10: a read-only or a full file system is one line naming the path, exit 1, not
 * a stack trace. Both are real: a tmpfs mounted read-only, or of 64 KiB, in a mount namespace of
 * the CLI's own (unshare -m, as root: .ci/run runs as root, as the simulated cluster needs), so
 * nothing outside the test's process sees the mount.
 */

const spec = `
name: disk
seed: 1
problem: { kind: torus }
optimizers: [{ kind: newton }, { kind: bfgs }]
seeds: 300
record: { historyStride: 1 }
`;

/** The CLI with `mount` (a tmpfs at `dir` with these options) in a mount namespace of its own. */
function onTmpfs(dir: string, options: string, args: readonly string[]) {
  const child = spawn(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      `mount -t tmpfs -o ${options} tmpfs "$0" && exec "$@"`,
      dir,
      process.execPath,
      CLI,
      ...args,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return collect(child);
}

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1) ?? '';

test('a read-only out dir (EROFS): one line naming it', async (t) => {
  const dir = tempDir();
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  const out = join(mnt, 'out', 'study');
  const r = await onTmpfs(mnt, 'ro,size=64k', ['run', writeSpec(dir, spec), '--out', out, '--threads', '1']);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, `saddlescope: EROFS: read-only file system, mkdir '${join(mnt, 'out')}'\n`);
});

test('a disk that fills during a run (ENOSPC): one line naming the file being written', async (t) => {
  const dir = tempDir();
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  const out = join(mnt, 'out');
  const r = await onTmpfs(mnt, 'size=64k', ['run', writeSpec(dir, spec), '--out', out, '--threads', '1']);
  t.is(r.code, 1, r.stderr);
  t.regex(lastLine(r.stderr), new RegExp(`^saddlescope: ENOSPC: no space left on device, .*${out}/\\S+`));
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});
