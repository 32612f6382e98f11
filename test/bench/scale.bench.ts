import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO, tempDir } from '../helpers/cli.js';
import type { BenchReport, BenchRow } from './harness.js';

/**
 * The coordinator's memory against a study's size (issue 19): `saddlescope run
 * studies/torus-scale.yaml --seeds N --threads 2` as a user runs it, under `/usr/bin/time -v`,
 * at N = 10⁵ and 10⁶ (and 10⁷ with SADDLESCOPE_BENCH_SCALE=7: about 10 minutes here). Flat means
 * the peak RSS does not grow with N; the ratio is the peak against the smallest study's.
 */

const TOP = Number(process.env.SADDLESCOPE_BENCH_SCALE ?? 6);

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

export async function bench(): Promise<BenchReport> {
  const rows: BenchRow[] = [];
  let base = 0;
  for (let e = 5; e <= TOP; e++) {
    const n = 10 ** e;
    const out = join(tempDir('bench-scale-'), 'out');
    const r = spawnSync(
      '/usr/bin/time',
      [
        '-v',
        process.execPath,
        CLI,
        'run',
        'studies/torus-scale.yaml',
        '--seeds',
        String(n),
        '--threads',
        '2',
        '--out',
        out,
      ],
      { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (r.status !== 0) throw new Error(`scale bench at ${n}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(r.stderr)?.[1] ?? '?';
    const perRow = dirBytes(join(out, 'runs')) / n;
    base ||= rssKb;
    rows.push({
      case: `10^${e} runs`,
      wall,
      'peak RSS MB': rssKb / 1024,
      'RSS bytes/task': (rssKb * 1024) / n,
      'runs bytes/row': perRow,
      ratio: rssKb / base,
    });
    rmSync(out, { recursive: true, force: true });
  }
  return {
    title: 'Coordinator memory against study size: torus Newton, 2 threads, /usr/bin/time -v',
    rows,
    notes: ['ratio = peak RSS ÷ peak RSS at 10^5 runs (flat: ≈ 1); RSS bytes/task falls as 1/N when flat'],
  };
}
