import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, run as a child process the way a user runs it. */
export const CLI = fileURLToPath(new URL('../../coordinator/cli.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collect(startCli(args, env));
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

export function tempDir(prefix = 'saddlescope-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const studyPath = (name: string) => join(REPO, 'studies', name);

/** Writes a study spec (its text, or its lines) to `dir`/spec.yaml; returns the path. */
export function writeSpec(dir: string, text: string | readonly string[]): string {
  const p = join(dir, 'spec.yaml');
  writeFileSync(p, typeof text === 'string' ? text : text.join('\n'));
  return p;
}

/**
 * A study run through the CLI (`run --threads 1`, then `report`) once for all the tests of a file:
 * the first call starts it, every call resolves to its out dir (or rejects with the CLI's stderr).
 */
export function reportedOnce(spec: string): () => Promise<string> {
  let study: Promise<string> | undefined;
  return () => {
    study ??= (async () => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const r = await runCli(['run', writeSpec(dir, spec), '--out', out, '--threads', '1']);
      if (r.code !== 0) throw new Error(r.stderr);
      const rep = await runCli(['report', out]);
      if (rep.code !== 0) throw new Error(rep.stderr);
      return out;
    })();
    return study;
  };
}
