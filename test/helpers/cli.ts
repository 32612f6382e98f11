import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Writes to `dir` a study of `seeds` ADAM runs on the torus at a tiny rate, each to its iteration
 * cap: slow enough to be stopped midway. Returns the spec's path.
 */
export function slowTorusSpec(dir: string, name: string, seed: number, seeds: number): string {
  return writeSpec(
    dir,
    `name: ${name}\nseed: ${seed}\nproblem: { kind: torus }\noptimizers: [ { kind: adam, lr: 1.0e-4 } ]\nseeds: ${seeds}\nstop: { gradTol: 1.0e-14, maxIter: 20000 }\n`,
  );
}

/** A `run` started as a child: the child, its result when it ends, and its journal's path. */
export interface StartedRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  readonly journal: string;
}

/**
 * Starts `run spec --out out --threads N` and waits, polling every 20 ms for at most `ms`, until
 * its results journal exists (and it and the pending runs part it refers to hold more than `bytes`,
 * if given); the caller checks that it did.
 */
export async function startRunUntilJournal(
  spec: string,
  out: string,
  threads: number,
  { ms, bytes }: { ms: number; bytes?: number },
): Promise<StartedRun> {
  const child = startCli(['run', spec, '--out', out, '--threads', String(threads)]);
  const done = collect(child);
  const journal = join(out, 'results.journal');
  // Seed blocks' rows are in the pending runs part the journal refers to (coordinator/store/pending-runs.ts).
  const pending = () => {
    const runs = join(out, 'runs');
    if (!existsSync(runs)) return 0;
    let n = 0;
    for (const f of readdirSync(runs)) if (f.startsWith('.')) n += statSync(join(runs, f)).size;
    return n;
  };
  const ready = () =>
    existsSync(journal) && (bytes === undefined || statSync(journal).size + pending() > bytes);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !ready()) await new Promise((r) => setTimeout(r, 20));
  return { child, done, journal };
}
