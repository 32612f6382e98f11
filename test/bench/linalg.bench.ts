/**
 * Dense symmetric linear algebra against LAPACK (numpy, single-threaded, measured in the same run on
 * the same matrices) and against ml-matrix, the arrays-of-arrays baseline.
 * Target (the issue): eigSym within 5× of LAPACK for n <= 500.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigSym } from '../../shared/linalg/eig.js';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { Stream } from '../../shared/rng/stream.js';
import { type BenchReport, type BenchRow, timeMs } from './harness.js';

interface Case {
  readonly name: string;
  readonly n: number;
  readonly a: Float64Array;
}

function randomSymmetric(n: number): Float64Array {
  const s = new Stream('bench', 'linalg', n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const x = s.normal();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  return a;
}

/** A Hessian shaped like those at trivial saddles: JᵀJ of rank m plus a small indefinite rank-r part. */
function saddleLike(n: number, m: number, r: number): Float64Array {
  const s = new Stream('bench', 'saddle', n);
  const j = s.fillNormal(new Float64Array(m * n));
  const u = s.fillNormal(new Float64Array(r * n));
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++)
    for (let q = 0; q <= p; q++) {
      let g = 0;
      for (let k = 0; k < m; k++) g += j[k * n + p] * j[k * n + q];
      for (let k = 0; k < r; k++) g += (k % 2 ? -1e-3 : 1e-3) * u[k * n + p] * u[k * n + q];
      a[p * n + q] = g;
      a[q * n + p] = g;
    }
  return a;
}

const PYTHON = `
import json, sys, time
import numpy as np
out = {}
for spec in json.loads(sys.argv[1]):
    a = np.fromfile(spec["file"], dtype=np.float64).reshape(spec["n"], spec["n"])
    row = {}
    for name, f in (("eigh", np.linalg.eigh), ("eigvalsh", np.linalg.eigvalsh)):
        f(a); f(a)
        ts = []
        for _ in range(spec["reps"]):
            t0 = time.perf_counter(); f(a); ts.append((time.perf_counter() - t0) * 1e3)
        row[name] = float(np.median(ts))
    out[spec["name"]] = row
print(json.dumps({"numpy": np.__version__, "times": out}))
`;

interface NumpyTimes {
  readonly numpy: string;
  readonly times: Record<string, { eigh: number; eigvalsh: number }>;
}

function numpyTimes(cases: readonly Case[], reps: (n: number) => number): NumpyTimes | string {
  const dir = mkdtempSync(join(tmpdir(), 'linalg-bench-'));
  try {
    const specs = cases.map((c) => {
      const file = join(dir, `${c.name}.f64`);
      writeFileSync(file, new Uint8Array(c.a.buffer, c.a.byteOffset, c.a.byteLength));
      return { name: c.name, n: c.n, file, reps: reps(c.n) };
    });
    const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const run = spawnSync('python3', ['-c', PYTHON, JSON.stringify(specs)], {
      env: { ...process.env, ...threads },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (run.error) return `python3 could not be run (${run.error.message}): no LAPACK baseline`;
    if (run.status !== 0) return `python3/numpy failed (${run.stderr.trim().split('\n').pop()}): no LAPACK baseline`;
    return JSON.parse(run.stdout) as NumpyTimes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mlMatrixMs(a: Float64Array, n: number, reps: number): number {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  const m = new Matrix(rows);
  return timeMs(() => new EigenvalueDecomposition(m, { assumeSymmetric: true }), reps, reps > 1 ? 1 : 0);
}

export async function bench(): Promise<BenchReport> {
  const cases: Case[] = [
    { name: 'random-140', n: 140, a: randomSymmetric(140) },
    { name: 'random-480', n: 480, a: randomSymmetric(480) },
    { name: 'random-500', n: 500, a: randomSymmetric(500) },
    { name: 'saddle-480', n: 480, a: saddleLike(480, 100, 8) },
  ];
  const reps = (n: number) => (n <= 200 ? 21 : 9);
  const py = numpyTimes(cases, reps);
  const notes: string[] = [];
  if (typeof py === 'string') notes.push(py);
  else notes.push(`numpy ${py.numpy}, OpenBLAS single-threaded, same matrices, median of ${reps(480)}–${reps(140)} reps`);
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const { n, a } = c;
    const vals = timeMs(() => eigSym(a, n), reps(n), 3);
    const vecs = timeMs(() => eigSym(a, n, { vectors: true }), reps(n), 3);
    const b = new Stream('bench', 'rhs').fillNormal(new Float64Array(n));
    // The saddle-like case is singular (most eigenvalues vanish): factor only, as Newton would learn it.
    const fac = timeMs(() => {
      const f = ldlt(a, n);
      return f.singular ? f.inertia : f.solve(b);
    }, reps(n), 3);
    // ml-matrix takes seconds at n ≈ 500: once there, and only on the random cases.
    const ml = c.name.startsWith('random') ? mlMatrixMs(a, n, n <= 200 ? 3 : 1) : Number.NaN;
    const np = typeof py === 'string' ? undefined : py.times[c.name];
    const row: Record<string, string | number> = {
      case: c.name,
      'eig values ms': vals,
      'eig vectors ms': vecs,
      'ldlt+solve ms': fac,
      'ml-matrix ms': Number.isNaN(ml) ? '-' : ml,
      'ml-matrix/ours': Number.isNaN(ml) ? '-' : ml / vecs,
    };
    if (np) {
      row['numpy eigvalsh ms'] = np.eigvalsh;
      row['numpy eigh ms'] = np.eigh;
      row['values/numpy'] = vals / np.eigvalsh;
      row['vectors/numpy'] = vecs / np.eigh;
    }
    rows.push({ case: c.name, ...row });
  }
  notes.push('ratios ours/numpy: target <= 5; ml-matrix/ours compares with-vectors times');
  return { title: 'linalg: eigSym and ldlt (ms, medians)', rows, notes };
}
