/**
 * Dense symmetric linear algebra against LAPACK (numpy, single-threaded, measured in the same run on
 * the same matrices) and against ml-matrix, the arrays-of-arrays baseline.
 * Target (the issue): eigSym within 5× of LAPACK for n <= 500.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigSym } from '../../shared/linalg/eig.js';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { Stream } from '../../shared/rng/stream.js';
import { type BenchReport, type BenchRow, median, timeMs } from './harness.js';

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

/**
 * A numpy timing server: loads the matrices, then answers each line "name routine" with the wall
 * time in ms of one call (after two warm-up calls per matrix and routine). Driving it one call at a
 * time lets ours and LAPACK's runs alternate, so both see the same load on a shared machine.
 */
const PYTHON = `
import json, sys, time
import numpy as np
mats = {s["name"]: np.fromfile(s["file"], dtype=np.float64).reshape(s["n"], s["n"]) for s in json.loads(sys.argv[1])}
fns = {"eigh": np.linalg.eigh, "eigvalsh": np.linalg.eigvalsh}
for a in mats.values():
    for f in fns.values():
        f(a); f(a)
print(json.dumps({"numpy": np.__version__}), flush=True)
for line in sys.stdin:
    name, routine = line.split()
    a = mats[name]; f = fns[routine]
    t0 = time.perf_counter(); f(a); t = (time.perf_counter() - t0) * 1e3
    print(t, flush=True)
`;

interface Numpy {
  readonly version: string;
  time(name: string, routine: 'eigh' | 'eigvalsh'): Promise<number>;
  close(): void;
}

async function startNumpy(cases: readonly Case[], dir: string): Promise<Numpy | string> {
  const specs = cases.map((c) => {
    const file = join(dir, `${c.name}.f64`);
    writeFileSync(file, new Uint8Array(c.a.buffer, c.a.byteOffset, c.a.byteLength));
    return { name: c.name, n: c.n, file };
  });
  const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const child = spawn('python3', ['-c', PYTHON, JSON.stringify(specs)], {
    env: { ...process.env, ...threads },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve(`python3 could not be run (${err.message}): no LAPACK baseline`));
    child.on('exit', () =>
      resolve(`python3/numpy failed (${stderr.trim().split('\n').pop()}): no LAPACK baseline`),
    );
  });
  const first = await Promise.race([lines.next(), failed]);
  if (typeof first === 'string') return first;
  if (first.done) return await failed;
  const version = (JSON.parse(first.value) as { numpy: string }).numpy;
  return {
    version,
    async time(name, routine) {
      child.stdin.write(`${name} ${routine}\n`);
      const line = await lines.next();
      if (line.done) throw new Error(`numpy timing server stopped: ${stderr}`);
      return Number(line.value);
    },
    close() {
      child.stdin.end();
    },
  };
}

/** Median wall time of our call, alternating call by call with numpy's when it is available. */
async function paired(
  fn: () => unknown,
  reps: number,
  np?: () => Promise<number>,
): Promise<{ ours: number; numpy: number }> {
  for (let i = 0; i < 3; i++) fn();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ours.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (np) theirs.push(await np());
  }
  return { ours: median(ours), numpy: np ? median(theirs) : Number.NaN };
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
  const reps = (n: number) => (n <= 200 ? 31 : 11);
  const dir = mkdtempSync(join(tmpdir(), 'linalg-bench-'));
  const np = await startNumpy(cases, dir);
  const notes: string[] = [];
  if (typeof np === 'string') notes.push(np);
  else
    notes.push(
      `numpy ${np.version}, OpenBLAS single-threaded, same matrices; each median of ${reps(480)}–${reps(140)} reps, ours and numpy's alternating call by call`,
    );
  const rows: BenchRow[] = [];
  try {
    for (const c of cases) {
      const { n, a } = c;
      const lapack = typeof np === 'string' ? undefined : np;
      const vals = await paired(
        () => eigSym(a, n),
        reps(n),
        lapack && (() => lapack.time(c.name, 'eigvalsh')),
      );
      const vecs = await paired(
        () => eigSym(a, n, { vectors: true }),
        reps(n),
        lapack && (() => lapack.time(c.name, 'eigh')),
      );
      const b = new Stream('bench', 'rhs').fillNormal(new Float64Array(n));
      // The saddle-like case is singular (most eigenvalues vanish): factor only, as Newton would learn.
      const fac = timeMs(
        () => {
          const f = ldlt(a, n);
          return f.singular ? f.inertia : f.solve(b);
        },
        reps(n),
        3,
      );
      // ml-matrix takes seconds at n ≈ 500: once there, and only on the random cases.
      const ml = c.name.startsWith('random') ? mlMatrixMs(a, n, n <= 200 ? 3 : 1) : Number.NaN;
      const row: BenchRow = {
        case: c.name,
        'eig values ms': vals.ours,
        'eig vectors ms': vecs.ours,
        'ldlt+solve ms': fac,
        'ml-matrix ms': Number.isNaN(ml) ? '-' : ml,
        'ml-matrix/ours': Number.isNaN(ml) ? '-' : ml / vecs.ours,
        'numpy eigvalsh ms': lapack ? vals.numpy : '-',
        'numpy eigh ms': lapack ? vecs.numpy : '-',
        'values/numpy': lapack ? vals.ours / vals.numpy : '-',
        'vectors/numpy': lapack ? vecs.ours / vecs.numpy : '-',
      };
      rows.push(row);
    }
  } finally {
    if (typeof np !== 'string') np.close();
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push('ratios ours/numpy: target <= 5; ml-matrix/ours compares with-vectors times');
  return { title: 'linalg: eigSym and ldlt (ms, medians)', rows, notes };
}
