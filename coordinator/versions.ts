import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * A dependency's version from its package.json, found by walking up from its resolved entry
 * point: packages whose `exports` map hides `package.json` (apache-arrow) cannot be asked for it.
 */
export function packageVersion(name: string): string {
  const installed = join(ROOT, 'node_modules', name, 'package.json');
  if (existsSync(installed))
    return (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    try {
      entry = fileURLToPath(import.meta.resolve(name));
    } catch {
      return 'unknown';
    }
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (!existsSync(p)) continue;
    const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** The saddlescope version of this install. */
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** The commit of a git checkout this runs from (with `+dirty` for local changes); null elsewhere. */
export function gitCommit(): string | null {
  if (!existsSync(join(ROOT, '.git'))) return null;
  try {
    const run = (args: string[]) =>
      execFileSync('git', ['-C', ROOT, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const head = run(['rev-parse', 'HEAD']);
    return run(['status', '--porcelain', '--untracked-files=no']) ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** Dependencies whose code computes results or writes the tables: their versions can change bits or files. */
const COMPUTING = [
  'apache-arrow',
  'zod',
  'pure-rand',
  'ml-matrix',
  '@tensorflow/tfjs',
  'parquet-wasm',
  'piscina',
  'yaml',
];

let invocation: { command: string; overrides: readonly string[] } = {
  command: process.argv.slice(1).join(' '),
  overrides: [],
};

/** What the CLI was asked: recorded with the versions (the overrides also shape the stored spec). */
export function recordInvocation(overrides: readonly string[]): void {
  invocation = { command: process.argv.slice(1).join(' '), overrides: [...overrides] };
}

/**
 * Provenance stored in study.json: versions that can change result bits or file formats (ours,
 * its git commit when run from a checkout, Node, V8, the computing dependencies), the command
 * line, and the spec overrides given on it.
 */
export function versions(): Record<string, string> {
  return {
    saddlescope: VERSION,
    git: gitCommit() ?? 'not a checkout',
    node: process.versions.node,
    v8: process.versions.v8,
    ...Object.fromEntries(COMPUTING.map((n) => [n, packageVersion(n)])),
    command: invocation.command,
    overrides: invocation.overrides.join(' '),
  };
}
