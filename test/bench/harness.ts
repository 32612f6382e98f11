/**
 * Benchmark harness: every `test/bench/*.bench.ts` exports `bench(): Promise<BenchReport>` (or
 * several, one table each); `npm run bench` runs them all (or those named on the command line,
 * e.g. `node dist/test/bench/run.js nets`) and prints their tables.
 * Targets are ratios against a baseline measured in the same run, never absolute times.
 */
export interface BenchRow {
  readonly case: string;
  readonly [column: string]: string | number;
}

export interface BenchReport {
  readonly title: string;
  readonly rows: readonly BenchRow[];
  readonly notes?: readonly string[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall time in milliseconds of `reps` calls of fn, after `warmup` unmeasured calls. */
export function timeMs(fn: () => unknown, reps = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

export function formatReport(r: BenchReport): string {
  const cols = [...new Set(r.rows.flatMap((row) => Object.keys(row)))];
  const cell = (v: unknown) =>
    typeof v === 'number'
      ? Math.abs(v) >= 100 || Number.isInteger(v)
        ? v.toFixed(0)
        : v.toPrecision(3)
      : String(v ?? '');
  const table = [cols, ...r.rows.map((row) => cols.map((c) => cell(row[c])))];
  const widths = cols.map((_, j) => Math.max(...table.map((line) => line[j].length)));
  const lines = table.map((line) => line.map((c, j) => c.padEnd(widths[j])).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [`## ${r.title}`, '', ...lines, ...(r.notes ?? []).map((n) => `  ${n}`), ''].join('\n');
}

/**
 * Python: blas(), the BLAS libraries the process has mapped (file names with blas or mkl in
 * them, e.g. libopenblasp-r0.3.21.so), for benches whose peer is numpy or torch to print.
 */
export const PY_BLAS = `
def blas():
    libs = set()
    for line in open('/proc/self/maps'):
        name = line.split('/')[-1].strip()
        if 'blas' in name.lower() or 'mkl' in name.lower(): libs.add(name)
    return ','.join(sorted(libs)) or 'unknown'
`;
